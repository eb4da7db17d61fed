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
        let damaged = CallTreeError.malformed("stored tree blob is damaged")
        guard bytes.count >= 2, bytes[0] == TreeBlobCodec.magic, bytes[1] == TreeBlobCodec.version else { throw damaged }
        var pos = 2
        guard let n = Varint.read(bytes, &pos), n >= 1, n <= UInt64(bytes.count),
            let rootSelf = Varint.read(bytes, &pos), rootSelf <= UInt64(Int64.max)
        else { throw damaged }
        let count = Int(n)
        if mapped.count < count { mapped = [Int32](repeating: 0, count: count) }
        tree.addSelf(0, Int64(rootSelf))
        mapped[0] = 0
        for i in 1..<count {
            guard let back = Varint.read(bytes, &pos), back >= 1, back <= UInt64(i),
                let frame = Varint.read(bytes, &pos), frame <= UInt64(Int32.max),
                let selfCount = Varint.read(bytes, &pos), selfCount <= UInt64(Int64.max)
            else { throw damaged }
            let node = tree.childForMerge(of: mapped[i - Int(back)], frame: Int32(frame), guess: mapped[i - 1] + 1)
            mapped[i] = node
            tree.addSelf(node, Int64(selfCount))
        }
        guard pos == bytes.count else { throw damaged }
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
