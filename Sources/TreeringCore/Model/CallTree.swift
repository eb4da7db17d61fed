/// Stacks merged into a prefix tree, stored as parallel arrays indexed by node
/// id. Node 0 is the root (no frame); every other node's parent has a smaller
/// id, so one forward pass visits parents before children.
public struct CallTree: Sendable {
    public private(set) var parents: [Int32] = [-1]
    /// Frame id of each node; -1 for the root.
    public private(set) var frames: [Int32] = [-1]
    /// Samples that ended in the node.
    public private(set) var selfCounts: [Int64] = [0]
    /// Samples in the node and below.
    public private(set) var totals: [Int64] = [0]

    private var children = ChildIndex()
    /// The node path of the last stack added: consecutive stacks usually
    /// share a prefix, which then costs no lookups.
    private var lastStack: [Int32] = []
    private var lastPath: [Int32] = []

    public init() {}

    public var nodeCount: Int { parents.count }
    public var totalCount: Int64 { totals[0] }

    /// The child of `parent` for `frame`, if there is one.
    public func child(of parent: Int32, frame: Int32) -> Int32? {
        children.find(ChildIndex.key(parent: parent, frame: frame))
    }

    /// The child of `parent` for `frame`, created when missing.
    @inline(__always)
    public mutating func childCreating(of parent: Int32, frame: Int32) -> Int32 {
        let key = ChildIndex.key(parent: parent, frame: frame)
        return children.findOrInsert(key) {
            let id = Int32(parents.count)
            parents.append(parent)
            frames.append(frame)
            selfCounts.append(0)
            totals.append(0)
            return id
        }
    }

    /// Adds `count` samples of `stack` (frame ids, root first).
    public mutating func add(stack: some Collection<Int32>, count: Int64) {
        guard count != 0 else { return }
        var shared = 0
        var it = stack.makeIterator()
        // Reuse the path of the previous stack for the common prefix.
        var node: Int32 = 0
        var depth = 0
        var pending: Int32? = nil
        while let frame = it.next() {
            if shared == depth, depth < lastStack.count, lastStack[depth] == frame {
                node = lastPath[depth]
                shared += 1
            } else {
                pending = frame
                break
            }
            depth += 1
        }
        lastStack.removeSubrange(shared...)
        lastPath.removeSubrange(shared...)
        if let first = pending {
            var frame = first
            while true {
                node = childCreating(of: node, frame: frame)
                lastStack.append(frame)
                lastPath.append(node)
                guard let next = it.next() else { break }
                frame = next
            }
        }
        selfCounts[Int(node)].addSaturating(count)
        totals[0].addSaturating(count)
        for n in lastPath { totals[Int(n)].addSaturating(count) }
    }

    /// Adds `other` into this tree below `node` (the root by default), its
    /// frame ids rewritten through `frameMap` (nil when both trees use the
    /// same frame ids).
    public mutating func merge(_ other: CallTree, frameMap: [Int32]? = nil, under node: Int32 = 0) {
        var mapped = [Int32](repeating: node, count: other.nodeCount)
        for i in 1..<max(other.nodeCount, 1) {
            let frame = frameMap.map { $0[Int(other.frames[i])] } ?? other.frames[i]
            let node = childForMerge(of: mapped[Int(other.parents[i])], frame: frame, guess: mapped[i - 1] + 1)
            mapped[i] = node
            selfCounts[Int(node)].addSaturating(other.selfCounts[i])
            totals[Int(node)].addSaturating(other.totals[i])
        }
        selfCounts[Int(node)].addSaturating(other.selfCounts[0])
        var n = node
        while n >= 0 {
            totals[Int(n)].addSaturating(other.totals[0])
            n = parents[Int(n)]
        }
        lastStack.removeAll()
        lastPath.removeAll()
    }

    /// The child of `parent` for `frame`, created when missing. Trees stored
    /// in the same canonical order share long runs of nodes: the node after
    /// the previous one (`guess`) is usually the one wanted, found without a
    /// (cache-missing) hash lookup.
    @inline(__always)
    mutating func childForMerge(of parent: Int32, frame: Int32, guess: Int32) -> Int32 {
        let g = Int(guess)
        if g < parents.count && parents[g] == parent && frames[g] == frame { return guess }
        return childCreating(of: parent, frame: frame)
    }

    /// Adds to a node's self count only: `TreeMerger` derives the totals
    /// once at the end (`recomputeTotals`).
    @inline(__always)
    mutating func addSelf(_ node: Int32, _ count: Int64) {
        selfCounts[Int(node)].addSaturating(count)
    }

    /// Totals from the self counts: children come after their parents.
    mutating func recomputeTotals() {
        totals = selfCounts
        for i in stride(from: parents.count - 1, through: 1, by: -1) { totals[Int(parents[i])].addSaturating(totals[i]) }
        lastStack.removeAll()
        lastPath.removeAll()
    }

    /// Builds a tree from nodes listed parents-first: `parents[i] < i`.
    /// Totals are derived; self counts are given. Used by decoders.
    public init(parents: [Int32], frames: [Int32], selfCounts: [Int64]) throws(CallTreeError) {
        guard parents.count == frames.count, frames.count == selfCounts.count, parents.first == -1 else {
            throw .malformed("node arrays differ in length or lack the root")
        }
        self.parents = parents
        self.frames = frames
        self.selfCounts = selfCounts
        self.totals = selfCounts
        children = ChildIndex(capacity: parents.count)
        for i in stride(from: parents.count - 1, through: 1, by: -1) {
            let p = Int(parents[i])
            guard p >= 0, p < i else { throw .malformed("node \(i) has parent \(p), not an earlier node") }
            totals[p].addSaturating(totals[i])
        }
        for i in 1..<parents.count {
            let key = ChildIndex.key(parent: parents[i], frame: frames[i])
            if children.findOrInsert(key, { Int32(i) }) != Int32(i) {
                throw .malformed("node \(i) repeats a sibling's frame")
            }
        }
    }

    /// Child ids of every node, each list sorted by total descending (ties by
    /// node id, so the order is deterministic).
    public func childLists() -> [[Int32]] {
        TreeWalk.childLists(parents: parents) { a, b in
            totals[Int(a)] != totals[Int(b)] ? totals[Int(a)] > totals[Int(b)] : a < b
        }
    }

    /// Node ids in pre-order, siblings by total descending.
    public func preorder() -> [Int32] {
        TreeWalk.preorder(childLists())
    }

    /// Every distinct stack (the path to each node with self samples) and its count.
    public func forEachStack(_ body: (_ stack: [Int32], _ count: Int64) -> Void) {
        forEachStackWithNode { stack, _, count in body(stack, count) }
    }

    /// As `forEachStack`, with the node the stack ends in.
    public func forEachStackWithNode(_ body: (_ stack: [Int32], _ node: Int32, _ count: Int64) -> Void) {
        TreeWalk.forEachPath(order: preorder(), parents: parents, frames: frames) { path, n in
            if selfCounts[Int(n)] > 0 { body(path, n, selfCounts[Int(n)]) }
        }
    }

    /// Number of distinct stacks: nodes where samples ended.
    public var stackCount: Int { selfCounts.dropFirst().reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }

    /// The set of frame ids used by the tree.
    public var usedFrames: Set<Int32> { Set(frames.dropFirst()) }
}

public enum CallTreeError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    public var description: String {
        switch self {
        case .malformed(let m): "malformed call tree: \(m)"
        }
    }
}
