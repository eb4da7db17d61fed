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
    /// `TreeMerger`) instead of hashing.
    public static func encode(_ tree: CallTree, frameMap: [Int32]? = nil) -> [UInt8] {
        let n = max(tree.nodeCount, 1)
        // Children of every node in one array (counting sort by parent), each
        // run then sorted by stored frame id.
        var frames = [Int32](repeating: -1, count: n)
        var start = [Int32](repeating: 0, count: n + 1)
        var children = [Int32](repeating: 0, count: n)
        var position = [Int32](repeating: 0, count: n)
        var stack: [Int32] = []
        stack.reserveCapacity(64)
        // At most 3 varints of 10 bytes per node, plus the header.
        let capacity = 16 + n * 30
        return [UInt8](unsafeUninitializedCapacity: capacity) { out, written in
            tree.parents.withUnsafeBufferPointer { parents in
                tree.selfCounts.withUnsafeBufferPointer { selfs in
                    frames.withUnsafeMutableBufferPointer { frames in
                        start.withUnsafeMutableBufferPointer { start in
                            children.withUnsafeMutableBufferPointer { children in
                                position.withUnsafeMutableBufferPointer { position in
                                    if let frameMap {
                                        for i in 1..<n { frames[i] = frameMap[Int(tree.frames[i])] }
                                    } else {
                                        for i in 1..<n { frames[i] = tree.frames[i] }
                                    }
                                    for i in 1..<n { start[Int(parents[i]) + 1] += 1 }
                                    for i in 0..<n { start[i + 1] += start[i] }
                                    // `position` doubles as the fill cursor per parent here.
                                    for i in 1..<n {
                                        let p = Int(parents[i])
                                        children[Int(start[p] + position[p])] = Int32(i)
                                        position[p] += 1
                                    }
                                    for p in 0..<n {
                                        let lo = Int(start[p]), hi = Int(start[p + 1])
                                        guard hi - lo > 1 else { continue }
                                        if hi - lo > 16 {
                                            children[lo..<hi].sort { frames[Int($0)] < frames[Int($1)] }
                                            continue
                                        }
                                        // Insertion sort: most nodes have a few children.
                                        for j in (lo + 1)..<hi {
                                            let c = children[j], f = frames[Int(c)]
                                            var k = j
                                            while k > lo && frames[Int(children[k - 1])] > f {
                                                children[k] = children[k - 1]
                                                k -= 1
                                            }
                                            children[k] = c
                                        }
                                    }
                                    var pos = 0
                                    @inline(__always) func put(_ value: UInt64) {
                                        var v = value
                                        while v >= 0x80 {
                                            out[pos] = UInt8(truncatingIfNeeded: v) | 0x80
                                            pos += 1
                                            v >>= 7
                                        }
                                        out[pos] = UInt8(v)
                                        pos += 1
                                    }
                                    out[0] = magic
                                    out[1] = version
                                    pos = 2
                                    put(UInt64(tree.nodeCount))
                                    put(UInt64(selfs[0]))
                                    position[0] = 0
                                    var next: Int32 = 1
                                    for j in stride(from: Int(start[1]) - 1, through: Int(start[0]), by: -1) { stack.append(children[j]) }
                                    while let node = stack.popLast() {
                                        let i = Int(node)
                                        position[i] = next
                                        put(UInt64(next - position[Int(parents[i])]))
                                        put(UInt64(UInt32(bitPattern: frames[i])))
                                        put(UInt64(selfs[i]))
                                        next += 1
                                        for j in stride(from: Int(start[i + 1]) - 1, through: Int(start[i]), by: -1) {
                                            stack.append(children[j])
                                        }
                                    }
                                    written = pos
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The stored tree as a `CallTree` (with its child index, ready to grow).
    public static func decode(_ bytes: [UInt8]) throws(CallTreeError) -> CallTree {
        let (parents, frames, selfs) = try nodes(bytes)
        return try CallTree(parents: parents, frames: frames, selfCounts: selfs)
    }

    /// The node arrays, parents-first, as stored.
    static func nodes(_ bytes: [UInt8]) throws(CallTreeError) -> ([Int32], [Int32], [Int64]) {
        var parents: [Int32] = [], frames: [Int32] = [], selfs: [Int64] = []
        try bytes.withUnsafeBufferPointer { (buf) throws(CallTreeError) in
            try walk(
                buf,
                start: { count, rootSelf in
                    parents = [Int32](repeating: -1, count: count)
                    frames = [Int32](repeating: -1, count: count)
                    selfs = [Int64](repeating: 0, count: count)
                    selfs[0] = rootSelf
                },
                node: { i, parent, frame, selfCount in
                    parents[i] = Int32(parent)
                    frames[i] = frame
                    selfs[i] = selfCount
                })
        }
        return (parents, frames, selfs)
    }

    /// Reads a stored tree, checking its form as it goes: `start` gets the
    /// node count and the root's self count, then `node` each other node in
    /// stored order (index, its parent's index, frame id, self count).
    @inline(__always)
    static func walk(
        _ buf: UnsafeBufferPointer<UInt8>, start: (Int, Int64) -> Void, node: (Int, Int, Int32, Int64) -> Void
    ) throws(CallTreeError) {
        let damaged = CallTreeError.malformed("stored tree blob is damaged")
        guard buf.count >= 2, buf[0] == magic, buf[1] == version else { throw damaged }
        var pos = 2
        guard let n = Varint.read(buf, &pos), n >= 1, n <= UInt64(buf.count),
            let rootSelf = Varint.read(buf, &pos), rootSelf <= UInt64(Int64.max)
        else { throw damaged }
        start(Int(n), Int64(rootSelf))
        for i in 1..<Int(n) {
            guard let back = Varint.read(buf, &pos), back >= 1, back <= UInt64(i),
                let frame = Varint.read(buf, &pos), frame <= UInt64(Int32.max),
                let selfCount = Varint.read(buf, &pos), selfCount <= UInt64(Int64.max)
            else { throw damaged }
            node(i, i - Int(back), Int32(frame), Int64(selfCount))
        }
        guard pos == buf.count else { throw damaged }
    }
}
