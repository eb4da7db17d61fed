/// The stored form of a call tree: nodes parents-first, each as three
/// varints (distance back to its parent, frame id, self count). Totals are
/// derived on load. Chosen over a list of stacks because shared prefixes are
/// stored once: see the README for the measurement.
public enum TreeBlobCodec {
    static let magic: UInt8 = 0x54  // "T"
    static let version: UInt8 = 1

    /// Encodes `tree`, writing each frame id through `frameMap` when given.
    /// Nodes are written in one canonical order (depth first, siblings by
    /// stored frame id), the same for every tree: merging two such trees
    /// then mostly finds each node right after the previous one (see
    /// `CallTree.merge(parents:frames:selfCounts:)`) instead of hashing.
    public static func encode(_ tree: CallTree, frameMap: [Int32]? = nil) -> [UInt8] {
        let n = max(tree.nodeCount, 1)
        func stored(_ node: Int) -> Int32 { frameMap.map { $0[Int(tree.frames[node])] } ?? tree.frames[node] }
        // Children of every node in one array (counting sort by parent), each
        // run sorted by frame id.
        var start = [Int32](repeating: 0, count: n + 1)
        for i in 1..<n { start[Int(tree.parents[i]) + 1] += 1 }
        for i in 0..<n { start[i + 1] += start[i] }
        var children = [Int32](repeating: 0, count: max(n - 1, 0))
        var fill = start
        for i in 1..<n {
            let p = Int(tree.parents[i])
            children[Int(fill[p])] = Int32(i)
            fill[p] += 1
        }
        var frames = [Int32](repeating: -1, count: n)
        for i in 1..<n { frames[i] = stored(i) }
        for p in 0..<n where start[p + 1] - start[p] > 1 {
            children[Int(start[p])..<Int(start[p + 1])].sort { frames[Int($0)] < frames[Int($1)] }
        }
        var out: [UInt8] = [magic, version]
        out.reserveCapacity(n * 5 + 8)
        Varint.append(UInt64(tree.nodeCount), to: &out)
        Varint.append(UInt64(tree.selfCounts[0]), to: &out)
        var position = [Int32](repeating: 0, count: n)
        var written: Int32 = 1
        var stack: [Int32] = Array(children[Int(start[0])..<Int(start[1])].reversed())
        while let node = stack.popLast() {
            let i = Int(node)
            position[i] = written
            Varint.append(UInt64(written - position[Int(tree.parents[i])]), to: &out)
            Varint.append(UInt64(UInt32(bitPattern: frames[i])), to: &out)
            Varint.append(UInt64(tree.selfCounts[i]), to: &out)
            written += 1
            stack.append(contentsOf: children[Int(start[i])..<Int(start[i + 1])].reversed())
        }
        return out
    }

    /// The stored tree as a `CallTree` (with its child index, ready to grow).
    public static func decode(_ bytes: [UInt8]) throws(CallTreeError) -> CallTree {
        let (parents, frames, selfs) = try nodes(bytes)
        return try CallTree(parents: parents, frames: frames, selfCounts: selfs)
    }

    /// Adds the stored tree to `tree` without building the stored tree's own
    /// child index: queries and rollups merge dozens of large stored trees,
    /// and that index was most of what decoding them cost.
    public static func merge(_ bytes: [UInt8], into tree: inout CallTree) throws(CallTreeError) {
        let (parents, frames, selfs) = try nodes(bytes)
        try tree.merge(parents: parents, frames: frames, selfCounts: selfs)
    }

    /// The node arrays, parents-first, as stored.
    static func nodes(_ bytes: [UInt8]) throws(CallTreeError) -> ([Int32], [Int32], [Int64]) {
        let parsed: ([Int32], [Int32], [Int64])? = bytes.withUnsafeBufferPointer { buf in
            guard buf.count >= 2, buf[0] == magic, buf[1] == version else { return nil }
            var pos = 2
            guard let n = Varint.read(buf, &pos), n >= 1, n <= UInt64(buf.count),
                let rootSelf = Varint.read(buf, &pos)
            else { return nil }
            let count = Int(n)
            var parents = [Int32](repeating: -1, count: count)
            var frames = [Int32](repeating: -1, count: count)
            var selfs = [Int64](repeating: 0, count: count)
            selfs[0] = Int64(clamping: rootSelf)
            for i in 1..<count {
                guard let back = Varint.read(buf, &pos), back >= 1, back <= UInt64(i),
                    let frame = Varint.read(buf, &pos), frame <= UInt64(Int32.max),
                    let selfCount = Varint.read(buf, &pos), selfCount <= UInt64(Int64.max)
                else { return nil }
                parents[i] = Int32(i - Int(back))
                frames[i] = Int32(frame)
                selfs[i] = Int64(selfCount)
            }
            guard pos == buf.count else { return nil }
            return (parents, frames, selfs)
        }
        guard let parsed else { throw .malformed("stored tree blob is damaged") }
        return parsed
    }
}
