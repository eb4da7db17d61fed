import Foundation
import Testing

@testable import TreeringCore

/// Random stacks over a small frame vocabulary, so prefixes are shared.
func randomStacks(seed: UInt64, count: Int, frames: Int32 = 12, maxDepth: Int = 8) -> [([Int32], Int64)] {
    var rng = SplitMix(state: seed)
    return (0..<count).map { _ in
        let depth = Int.random(in: 1...maxDepth, using: &rng)
        return ((0..<depth).map { _ in Int32.random(in: 0..<frames, using: &rng) }, Int64.random(in: 1...5, using: &rng))
    }
}

/// The reference: a dictionary from whole stack to summed count.
func reference(_ stacks: [([Int32], Int64)]) -> [[Int32]: Int64] {
    stacks.reduce(into: [:]) { $0[$1.0, default: 0] += $1.1 }
}

func stacksOf(_ tree: CallTree) -> [[Int32]: Int64] {
    var out: [[Int32]: Int64] = [:]
    tree.forEachStack { out[$0] = $1 }
    return out
}

@Suite struct CallTreeTests {
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func mergedStacksEqualTheReference(seed: UInt64) {
        let stacks = randomStacks(seed: seed, count: 2_000)
        var tree = CallTree()
        for (s, c) in stacks { tree.add(stack: s, count: c) }
        #expect(stacksOf(tree) == reference(stacks))
        #expect(tree.totalCount == stacks.reduce(0) { $0 + $1.1 })
    }

    @Test(arguments: [7, 8, 9] as [UInt64])
    func totalsAreSamplesInTheNodeAndBelow(seed: UInt64) {
        let stacks = randomStacks(seed: seed, count: 500)
        var tree = CallTree()
        for (s, c) in stacks { tree.add(stack: s, count: c) }
        // The total of the node for a prefix = sum of counts of stacks starting with it.
        for (s, _) in stacks {
            var node: Int32 = 0
            for (depth, f) in s.enumerated() {
                node = tree.child(of: node, frame: f)!
                let prefix = Array(s[...depth])
                let expected = stacks.filter { $0.0.starts(with: prefix) }.reduce(0) { $0 + $1.1 }
                #expect(tree.totals[Int(node)] == expected)
            }
        }
    }

    @Test(arguments: [11, 12, 13] as [UInt64])
    func mergingTreesEqualsOneTreeOfAllStacks(seed: UInt64) {
        let a = randomStacks(seed: seed, count: 800)
        let b = randomStacks(seed: seed + 100, count: 800)
        var ta = CallTree()
        var tb = CallTree()
        for (s, c) in a { ta.add(stack: s, count: c) }
        for (s, c) in b { tb.add(stack: s, count: c) }
        ta.merge(tb)
        #expect(stacksOf(ta) == reference(a + b))
        #expect(ta.totalCount == (a + b).reduce(0) { $0 + $1.1 })
    }

    @Test func mergeRewritesFrameIDsThroughTheMap() {
        var a = CallTree()
        a.add(stack: [0, 1], count: 3)
        var b = CallTree()
        b.add(stack: [0, 1], count: 2)
        // b's frame 0 is a's frame 1 and the other way round.
        a.merge(b, frameMap: [1, 0])
        #expect(stacksOf(a) == [[0, 1]: 3, [1, 0]: 2])
    }

    @Test func framesAreEqualByTheirValuesHoweverTheStringsWereMade() {
        let long = "handle_request_with_a_rather_long_name"
        let a = Frame(name: long, file: "app/views.py", line: 12)
        let b = Frame(name: String(decoding: Array(long.utf8), as: UTF8.self), file: "app/" + "views.py", line: 12)
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(Set([a, b, Frame(name: long, file: "app/views.py", line: 13)]).count == 2)
        // The digest keeps the fields apart: moving a byte across them is another frame.
        #expect(Frame(name: "ab", file: "c") != Frame(name: "a", file: "bc"))
        #expect(Set((0..<5_000).map { Frame(name: "f\($0 % 1_000)", file: "m.py", line: $0 / 1_000) }).count == 5_000)
        let decoded = try? JSONDecoder().decode(Frame.self, from: Data(#"{"name":"n","file":"f","line":3}"#.utf8))
        #expect(decoded == Frame(name: "n", file: "f", line: 3))
    }

    @Test func mergeUnderANodeAddsToItsAncestors() {
        var tree = CallTree()
        var other = CallTree()
        other.add(stack: [5, 6], count: 4)
        let thread = tree.childCreating(of: 0, frame: -2)
        tree.merge(other, under: thread)
        #expect(stacksOf(tree) == [[-2, 5, 6]: 4])
        #expect(tree.totals[Int(thread)] == 4)
        #expect(tree.totalCount == 4)
    }

    @Test(arguments: [21, 22] as [UInt64])
    func storedFormsRoundTrip(seed: UInt64) throws {
        let stacks = randomStacks(seed: seed, count: 3_000, frames: 40, maxDepth: 20)
        var tree = CallTree()
        for (s, c) in stacks { tree.add(stack: s, count: c) }
        let fromTreeBlob = try TreeBlobCodec.decode(TreeBlobCodec.encode(tree))
        let fromStackBlob = try StackBlobCodec.decode(StackBlobCodec.encode(tree))
        #expect(stacksOf(fromTreeBlob) == reference(stacks))
        #expect(stacksOf(fromStackBlob) == reference(stacks))
        #expect(totalsByPath(fromTreeBlob) == totalsByPath(tree))
        // One canonical order: the same stacks added in another order encode
        // to the same bytes, and so does the decoded tree.
        var reversed = CallTree()
        for (s, c) in stacks.reversed() { reversed.add(stack: s, count: c) }
        #expect(TreeBlobCodec.encode(reversed) == TreeBlobCodec.encode(tree))
        #expect(TreeBlobCodec.encode(fromTreeBlob) == TreeBlobCodec.encode(tree))
    }

    /// Each node's total, keyed by its path of frames.
    func totalsByPath(_ tree: CallTree) -> [[Int32]: Int64] {
        var paths = [[Int32]](repeating: [], count: tree.nodeCount)
        var out: [[Int32]: Int64] = [[]: tree.totalCount]
        for i in 1..<tree.nodeCount {
            paths[i] = paths[Int(tree.parents[i])] + [tree.frames[i]]
            out[paths[i]] = tree.totals[i]
        }
        return out
    }

    /// Queries and rollups merge stored trees straight from their bytes: the
    /// result must be the merge of every tree's stacks, totals included.
    @Test(arguments: [31, 32, 33] as [UInt64])
    func mergingStoredTreesFromTheirBytesEqualsMergingTheirStacks(seed: UInt64) throws {
        var merged = CallTree()
        var merger = TreeMerger()
        var all: [([Int32], Int64)] = []
        for k in 0..<6 {
            let stacks = randomStacks(seed: seed &* 10 &+ UInt64(k), count: 400, frames: 30, maxDepth: 12)
            all += stacks
            var tree = CallTree()
            for (s, c) in stacks { tree.add(stack: s, count: c) }
            merged.merge(try TreeBlobCodec.decode(TreeBlobCodec.encode(tree)))
            // TreeMerger: blobs read in one pass, one tree added as built.
            if k == 3 { merger.add(tree) } else { try merger.add(TreeBlobCodec.encode(tree)) }
        }
        var direct = CallTree()
        for (s, c) in all { direct.add(stack: s, count: c) }
        let streamed = merger.finish()
        for tree in [merged, streamed] {
            #expect(stacksOf(tree) == reference(all))
            #expect(tree.totalCount == direct.totalCount)
            var sums = tree.selfCounts  // a node's total: its own samples and all below it
            for i in stride(from: tree.nodeCount - 1, through: 1, by: -1) { sums[Int(tree.parents[i])] += sums[i] }
            #expect(sums == tree.totals)
        }
        #expect(totalsByPath(streamed) == totalsByPath(direct))
        // Siblings repeating a frame (root self 1; [5] self 2; [5] again, self 3) simply merge.
        var repeated = TreeMerger()
        try repeated.add([0x54, 1, 3, 1, 1, 5, 2, 2, 5, 3])
        let fromRepeated = repeated.finish()
        #expect(stacksOf(fromRepeated) == [[5]: 5] && fromRepeated.totalCount == 6)
        var blob = TreeBlobCodec.encode(direct)
        blob.removeLast()
        var another = TreeMerger()
        #expect(throws: CallTreeError.self) { try another.add(blob) }
        #expect(throws: CallTreeError.self) { try another.add([0x54, 1, 3, 0, 2, 1, 1, 1, 1, 1]) }  // a parent after its child
    }

    @Test func damagedBlobsAreRefused() throws {
        var tree = CallTree()
        for (s, c) in randomStacks(seed: 3, count: 50) { tree.add(stack: s, count: c) }
        let blob = TreeBlobCodec.encode(tree)
        for n in [0, 1, 2, blob.count / 2, blob.count - 1] {
            #expect(throws: CallTreeError.self) { try TreeBlobCodec.decode(Array(blob[..<n])) }
        }
        #expect(throws: CallTreeError.self) { try TreeBlobCodec.decode(blob + [0]) }
    }

    @Test func preorderPutsParentsFirstAndBiggerSiblingsFirst() {
        var tree = CallTree()
        for (s, c) in randomStacks(seed: 5, count: 300) { tree.add(stack: s, count: c) }
        let order = tree.preorder()
        #expect(order.count == tree.nodeCount)
        var seen = Set<Int32>()
        for n in order {
            if n != 0 { #expect(seen.contains(tree.parents[Int(n)])) }
            seen.insert(n)
        }
        for list in tree.childLists() {
            #expect(zip(list, list.dropFirst()).allSatisfy { tree.totals[Int($0)] >= tree.totals[Int($1)] })
        }
    }
}
