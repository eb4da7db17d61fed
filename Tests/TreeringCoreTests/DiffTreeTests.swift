import Testing

@testable import TreeringCore

/// Random stacks over a small alphabet, so paths share prefixes and repeat
/// frames (recursion included).
func randomStacks(seed: UInt64, count: Int, frames: Int32 = 6) -> [([Int32], Int64)] {
    var rng = SplitMix(state: seed)
    return (0..<count).map { _ in
        let depth = Int.random(in: 1...7, using: &rng)
        let stack = (0..<depth).map { _ in Int32.random(in: 0..<frames, using: &rng) }
        return (stack, Int64.random(in: 1...50, using: &rng))
    }
}

func tree(_ stacks: [([Int32], Int64)]) -> CallTree {
    var tree = CallTree()
    for (stack, count) in stacks { tree.add(stack: stack, count: count) }
    return tree
}

@Suite struct DiffTreeTests {
    /// Frame id i of the base is the frame "f<i>"; the target numbers the
    /// same frames differently, as another app's store would.
    static func baseFrame(_ id: Int32) -> Frame { Frame(name: "f\(id)", file: "app.py", line: Int(id)) }
    static func targetFrame(_ id: Int32) -> Frame { Frame(name: "f\(5 - id)", file: "app.py", line: Int(5 - id)) }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func diffOfRandomTreesIsThePerStackDifference(seed: UInt64) {
        let baseStacks = randomStacks(seed: seed, count: 60)
        let targetStacks = randomStacks(seed: seed &+ 100, count: 60)
        let diff = DiffTree(
            base: tree(baseStacks), baseFrame: Self.baseFrame, target: tree(targetStacks), targetFrame: Self.targetFrame)

        // By hand: each stack's text and its count on each side.
        func text(_ stack: [Int32], _ frame: (Int32) -> Frame) -> String {
            stack.map { frame($0).foldedLabel }.joined(separator: ";")
        }
        var expected: [String: (Int64, Int64)] = [:]
        for (stack, count) in baseStacks { expected[text(stack, Self.baseFrame), default: (0, 0)].0 += count }
        for (stack, count) in targetStacks { expected[text(stack, Self.targetFrame), default: (0, 0)].1 += count }
        var got: [String: (Int64, Int64)] = [:]
        diff.forEachStack { stack, base, target in got[text(stack, { diff.frames[$0] })] = (base, target) }
        #expect(got.count == expected.count)
        for (stack, counts) in expected {
            #expect(got[stack]?.0 == counts.0 && got[stack]?.1 == counts.1, "\(stack)")
        }
        #expect(diff.baseCount == baseStacks.reduce(0) { $0 + $1.1 })
        #expect(diff.targetCount == targetStacks.reduce(0) { $0 + $1.1 })
        // A node's total is its self plus its children's totals, on each side.
        var childSums = [Int64](repeating: 0, count: diff.nodeCount)
        var childTargetSums = childSums
        for i in 1..<diff.nodeCount {
            childSums[Int(diff.shape.parents[i])] += diff.baseTotal[i]
            childTargetSums[Int(diff.shape.parents[i])] += diff.targetTotal[i]
        }
        for i in 0..<diff.nodeCount {
            #expect(diff.baseTotal[i] == diff.baseSelf[i] + childSums[i])
            #expect(diff.targetTotal[i] == diff.targetSelf[i] + childTargetSums[i])
        }
    }

    @Test func foldedDiffHasBothCountsAndZeroForAMissingSide() {
        let base = tree([([0, 1], 3), ([0, 2], 1)])
        let target = tree([([5, 4], 2), ([5, 3], 7)])  // f0;f1 and f0;f2 in the target's numbering: 5-0, 5-1, 5-2
        let diff = DiffTree(base: base, baseFrame: Self.baseFrame, target: target, targetFrame: Self.targetFrame)
        #expect(
            DiffFoldedWriter().write(diff) == """
                f0 (app.py:0);f1 (app.py:1) 3 2
                f0 (app.py:0);f2 (app.py:2) 1 7

                """)
        let removed = DiffTree(base: base, baseFrame: Self.baseFrame, target: CallTree(), targetFrame: Self.targetFrame)
        #expect(DiffFoldedWriter().write(removed).contains("f0 (app.py:0);f1 (app.py:1) 3 0\n"))
    }

    @Test func jsonHasBothColumnsInPreorder() throws {
        let diff = DiffTree(
            base: tree([([0, 1], 3)]), baseFrame: Self.baseFrame, target: tree([([5, 3], 7)]), targetFrame: Self.targetFrame)
        let json = String(decoding: DiffJSONWriter().write(diff, baseIntervalMs: 10, targetIntervalMs: 20), as: UTF8.self)
        #expect(json.hasPrefix(#"{"base":{"total":3,"interval_ms":10},"target":{"total":7,"interval_ms":20}"#))
        #expect(json.contains(#""parent":[-1,0,1,1],"frame":[-1,0,1,2],"#))
        #expect(json.contains(#""base_total":[3,3,0,3],"base_self":[0,0,0,3],"target_total":[7,7,7,0],"target_self":[0,0,7,0]"#))
    }
}

@Suite struct LabelFilterTests {
    @Test func excludedValuesLeaveTheRestAndKeyedFormRoundTrips() {
        let filter = LabelFilter(keyed: ["host!": ["web-1"], "transaction": ["GET /a", "GET /b"]])
        #expect(filter.allowed == ["transaction": ["GET /a", "GET /b"]])
        #expect(filter.excluded == ["host": ["web-1"]])
        #expect(LabelFilter(keyed: filter.keyed) == filter)
        #expect(filter.matches(["host": "web-2", "transaction": "GET /a"]))
        #expect(!filter.matches(["host": "web-1", "transaction": "GET /a"]))
        // A series without the excluded label is not excluded by it.
        #expect(filter.matches(["transaction": "GET /b"]))
        #expect(!filter.matches(["host": "web-2"]))
        #expect(filter.labelNames == ["host", "transaction"])
        // A lone "!" is a label name, not an exclusion of "".
        #expect(LabelFilter(keyed: ["!": ["x"]]).allowed == ["!": ["x"]])
    }
}
