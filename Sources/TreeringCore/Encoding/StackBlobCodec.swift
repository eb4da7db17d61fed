/// The other stored form measured for call trees: every distinct stack in
/// full, as varints. Kept for the storage benchmark that compares the two
/// (`treering-bench`); the store uses `TreeBlobCodec`.
public enum StackBlobCodec {
    public static func encode(_ tree: CallTree, frameMap: [Int32]? = nil) -> [UInt8] {
        var out: [UInt8] = []
        tree.forEachStack { stack, count in
            Varint.append(UInt64(stack.count), to: &out)
            for f in stack { Varint.append(UInt64(UInt32(bitPattern: frameMap.map { $0[Int(f)] } ?? f)), to: &out) }
            Varint.append(UInt64(count), to: &out)
        }
        return out
    }

    public static func decode(_ bytes: [UInt8]) throws(CallTreeError) -> CallTree {
        var tree = CallTree()
        let ok: Bool = bytes.withUnsafeBufferPointer { buf in
            var pos = 0
            var stack: [Int32] = []
            while pos < buf.count {
                guard let n = Varint.read(buf, &pos), n <= 65_536 else { return false }
                stack.removeAll(keepingCapacity: true)
                for _ in 0..<n {
                    guard let f = Varint.read(buf, &pos), f <= UInt64(Int32.max) else { return false }
                    stack.append(Int32(f))
                }
                guard let count = Varint.read(buf, &pos), count <= UInt64(Int64.max) else { return false }
                tree.add(stack: stack, count: Int64(count))
            }
            return true
        }
        guard ok else { throw .malformed("stored stack blob is damaged") }
        return tree
    }
}
