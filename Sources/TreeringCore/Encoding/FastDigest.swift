/// A 64-bit hash of bytes, eight at a time: the one a `Frame` keeps of its
/// values (much cheaper than hashing its strings in every table lookup), and
/// the key of the parser's cache of sample labels by their raw JSON. Seeded
/// per process, as Swift's own hashing is, so uploads cannot be made to
/// collide on purpose; matches are always confirmed by comparing the values.
enum FastDigest {
    static let seed: UInt64 = UInt64.random(in: 1...UInt64.max)

    static func of(name: String, file: String, line: Int) -> UInt64 {
        var h = seed ^ UInt64(bitPattern: Int64(line)) &* 0x9E37_79B9_7F4A_7C15
        h = mix(h, name)
        h = mix(h ^ 0xFF, file)
        return finish(h)
    }

    @inline(__always)
    static func step(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let x = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
        return x ^ (x >> 31)
    }

    @inline(__always)
    static func finish(_ h: UInt64) -> UInt64 {
        var z = h
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Mixes `bytes` into `start`.
    static func mix(_ start: UInt64, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = step(start, UInt64(bytes.count))
        guard let base = bytes.baseAddress else { return step(h, 0) }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= bytes.count {
            h = step(h, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        return step(h, tail)
    }

    static func mix(_ start: UInt64, _ s: String) -> UInt64 {
        if let fast = s.utf8.withContiguousStorageIfAvailable({ mix(start, $0) }) { return fast }
        // Strings without contiguous UTF-8 (bridged ones): the same, byte by byte.
        var h = step(start, UInt64(s.utf8.count))
        var word: UInt64 = 0
        var n = 0
        for b in s.utf8 {
            word |= UInt64(b) << (8 * UInt64(n % 8))
            n += 1
            if n % 8 == 0 {
                h = step(h, word)
                word = 0
            }
        }
        return step(h, word)
    }
}
