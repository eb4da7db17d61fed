/// The gzip magic number, checked in one place: the pprof parser refuses
/// compressed bytes with a hint, the server and the CLI inflate them.
public enum Gzip {
    public static func isCompressed(_ bytes: some Collection<UInt8>) -> Bool {
        var it = bytes.makeIterator()
        return it.next() == 0x1F && it.next() == 0x8B
    }
}
