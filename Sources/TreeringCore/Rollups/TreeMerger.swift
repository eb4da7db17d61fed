/// Adds stored trees into one call tree, reading each blob's bytes once:
/// only self counts are added per node, and the totals are derived once, in
/// `finish()`. Queries and rollup passes merge from a few large stored trees
/// to thousands of small ones; decoding each into arrays first and adding
/// its subtotals was much of that work.
public struct TreeMerger: Sendable {
    private var tree = CallTree()
    /// Node of the merged tree for each node of the blob being added (reused).
    private var mapped: [Int32] = []

    public init() {}

    /// Adds one stored tree (`TreeBlobCodec`'s form).
    public mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) throws(CallTreeError) {
        try TreeBlobCodec.walk(
            bytes,
            start: { count, rootSelf in
                if mapped.count < count { mapped = [Int32](repeating: 0, count: count) }
                mapped[0] = 0
                tree.addSelf(0, rootSelf)
            },
            node: { i, parent, frame, selfCount in
                let node = tree.childForMerge(of: mapped[parent], frame: frame, guess: mapped[i - 1] + 1)
                mapped[i] = node
                tree.addSelf(node, selfCount)
            })
    }

    /// Adds one stored tree held in an array.
    public mutating func add(_ bytes: [UInt8]) throws(CallTreeError) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(CallTreeError) in try add(buffer) }
    }

    /// Adds a tree already built.
    public mutating func add(_ other: CallTree) {
        tree.merge(other)
    }

    /// The merged tree, totals included.
    public consuming func finish() -> CallTree {
        tree.recomputeTotals()
        return tree
    }
}
