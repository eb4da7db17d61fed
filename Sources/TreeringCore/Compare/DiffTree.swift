/// Two call trees laid over each other: the union of their paths, each node
/// carrying both sides' self and total counts. The baseline and the target
/// may come from different stores or apps, so frames are matched by value
/// (name, file, line), not by id.
public struct DiffTree: Sendable {
    /// The union's paths; its own counts are unused (all zero).
    public private(set) var shape = CallTree()
    /// Frame ids of `shape`, shared by both sides.
    public private(set) var frames = FrameTable()
    public private(set) var baseSelf: [Int64] = [0]
    public private(set) var baseTotal: [Int64] = [0]
    public private(set) var targetSelf: [Int64] = [0]
    public private(set) var targetTotal: [Int64] = [0]

    public init(base: CallTree, baseFrame: (Int32) -> Frame, target: CallTree, targetFrame: (Int32) -> Frame) {
        let baseNodes = add(base, baseFrame)
        let targetNodes = add(target, targetFrame)
        let n = shape.nodeCount
        baseSelf = counts(base, baseNodes, n)
        targetSelf = counts(target, targetNodes, n)
        baseTotal = Self.totals(baseSelf, shape.parents)
        targetTotal = Self.totals(targetSelf, shape.parents)
    }

    public var nodeCount: Int { shape.nodeCount }
    public var baseCount: Int64 { baseTotal[0] }
    public var targetCount: Int64 { targetTotal[0] }

    /// Node ids in pre-order, siblings by target total then base total, descending.
    public func preorder() -> [Int32] {
        TreeWalk.preorder(
            TreeWalk.childLists(parents: shape.parents) { a, b in
                let (x, y) = (Int(a), Int(b))
                if targetTotal[x] != targetTotal[y] { return targetTotal[x] > targetTotal[y] }
                if baseTotal[x] != baseTotal[y] { return baseTotal[x] > baseTotal[y] }
                return a < b
            })
    }

    /// Every path where either side has self samples, with both self counts.
    public func forEachStack(_ body: (_ stack: [Int32], _ base: Int64, _ target: Int64) -> Void) {
        TreeWalk.forEachPath(order: preorder(), parents: shape.parents, frames: shape.frames) { path, n in
            let (b, t) = (baseSelf[Int(n)], targetSelf[Int(n)])
            if b > 0 || t > 0 { body(path, b, t) }
        }
    }

    /// Maps every node of `tree` to its node in `shape` (creating it).
    private mutating func add(_ tree: CallTree, _ frame: (Int32) -> Frame) -> [Int32] {
        var mapped = [Int32](repeating: 0, count: tree.nodeCount)
        var frameMap: [Int32: Int32] = [:]
        for i in 1..<max(tree.nodeCount, 1) {
            let own = tree.frames[i]
            let id: Int32
            if let known = frameMap[own] {
                id = known
            } else {
                id = frames.intern(frame(own))
                frameMap[own] = id
            }
            // A parent's id is smaller than its child's, so it is mapped already.
            mapped[i] = shape.childCreating(of: mapped[Int(tree.parents[i])], frame: id)
        }
        return mapped
    }

    private func counts(_ tree: CallTree, _ mapped: [Int32], _ n: Int) -> [Int64] {
        var out = [Int64](repeating: 0, count: n)
        for i in 1..<max(tree.nodeCount, 1) { out[Int(mapped[i])].addSaturating(tree.selfCounts[i]) }
        return out
    }

    private static func totals(_ selfCounts: [Int64], _ parents: [Int32]) -> [Int64] {
        var totals = selfCounts
        for i in stride(from: totals.count - 1, to: 0, by: -1) { totals[Int(parents[i])].addSaturating(totals[i]) }
        return totals
    }
}
