/// A forward-only reader of JSON tokens over UTF-8 bytes. Parsers built on it
/// follow a known document shape, so they recurse only as deep as the shape;
/// unknown values are skipped with a counter, never by recursion, so hostile
/// nesting cannot overflow the stack.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var pos = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    struct SyntaxError: Error {
        var offset: Int
        var message: String
    }

    /// A string's bytes still in the buffer; `escaped` says whether it needs decoding.
    struct RawString {
        var start: Int
        var end: Int
        var escaped: Bool
    }

    var atEnd: Bool { pos >= bytes.count }

    /// Goes back to a position read before (to parse a skipped value after all).
    mutating func seek(to position: Int) {
        pos = position
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    /// The next significant byte, without consuming it; nil at the end.
    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return pos < bytes.count ? bytes[pos] : nil
    }

    func error(_ message: String) -> SyntaxError {
        SyntaxError(offset: pos, message: message)
    }

    /// What the next value is, in words, for "expected X, found Y" messages.
    mutating func describeNext() -> String {
        guard let c = peek() else { return "the end of the input" }
        return switch c {
        case UInt8(ascii: "{"): "an object"
        case UInt8(ascii: "["): "an array"
        case UInt8(ascii: "\""): "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
        case UInt8(ascii: "n"): "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): "a number"
        default: "an invalid token"
        }
    }

    /// Whether the next value is a number (starts with '-' or a digit).
    mutating func nextIsNumber() -> Bool {
        guard let c = peek() else { return false }
        return c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    @inline(__always)
    mutating func consume(_ byte: UInt8) -> Bool {
        if peek() == byte {
            pos += 1
            return true
        }
        return false
    }

    mutating func expect(_ byte: UInt8) throws(SyntaxError) {
        guard consume(byte) else {
            throw error("expected '\(Character(Unicode.Scalar(byte)))', found \(describeNext())")
        }
    }

    /// Reads `"..."`, validating escapes and control characters, leaving the bytes in place.
    mutating func rawString() throws(SyntaxError) -> RawString {
        try expect(UInt8(ascii: "\""))
        let start = pos
        var escaped = false
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                return RawString(start: start, end: pos - 1, escaped: escaped)
            } else if b == UInt8(ascii: "\\") {
                escaped = true
                pos += 1
                guard pos < bytes.count else { break }
                switch bytes[pos] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    pos += 1
                case UInt8(ascii: "u"):
                    guard pos + 4 < bytes.count, (1...4).allSatisfy({ Self.hexValue(bytes[pos + $0]) != nil }) else {
                        throw error("invalid \\u escape in string")
                    }
                    pos += 5
                default:
                    throw error("invalid escape in string")
                }
            } else if b < 0x20 {
                throw error("control character in string")
            } else {
                pos += 1
            }
        }
        throw SyntaxError(offset: start - 1, message: "unterminated string")
    }

    static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// The decoded text of a raw string.
    func string(_ raw: RawString) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[raw.start..<raw.end])
        if !raw.escaped { return String(decoding: slice, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var i = 0
        func flush() {
            if !out.isEmpty {
                scalars.append(contentsOf: String(decoding: out, as: UTF8.self).unicodeScalars)
                out.removeAll(keepingCapacity: true)
            }
        }
        func hex4(_ at: Int) -> UInt32 {
            (0..<4).reduce(0) { $0 << 4 | Self.hexValue(slice[at + $1])! }
        }
        while i < slice.count {
            let b = slice[i]
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                i += 1
                continue
            }
            let e = slice[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = hex4(i)
                i += 4
                // A surrogate pair spells one scalar; a lone surrogate becomes U+FFFD.
                if (0xD800...0xDBFF).contains(code), i + 5 < slice.count + 0, slice[i] == UInt8(ascii: "\\"),
                    slice[i + 1] == UInt8(ascii: "u")
                {
                    let low = hex4(i + 2)
                    if (0xDC00...0xDFFF).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                flush()
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: out.append(e)
            }
        }
        flush()
        return String(scalars)
    }

    /// Whether a raw (unescaped) string equals an ASCII literal, without making a String.
    @inline(__always)
    func rawEquals(_ raw: RawString, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard raw.end - raw.start == n else { return false }
        let p = literal.utf8Start
        for i in 0..<n where bytes[raw.start + i] != p[i] { return false }
        return true
    }

    /// Reads an integer; throws on fractions, exponents and overflow.
    @inline(__always)
    mutating func integer() throws(SyntaxError) -> Int64 {
        skipWhitespace()
        var negative = false
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") {
            negative = true
            pos += 1
        }
        let start = pos
        var value: Int64 = 0
        while pos < bytes.count {
            let d = bytes[pos] &- UInt8(ascii: "0")
            if d > 9 { break }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(d))
            if o1 || o2 { throw error("integer too large") }
            value = a
            pos += 1
        }
        if pos == start { throw error("expected an integer, found \(describeNext())") }
        if pos - start > 1, bytes[start] == UInt8(ascii: "0") { throw error("leading zero in number") }
        if pos < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[pos]) {
            throw SyntaxError(offset: start, message: "expected an integer, found a fraction")
        }
        return negative ? -value : value
    }

    /// Reads any JSON number.
    mutating func number() throws(SyntaxError) -> Double {
        skipWhitespace()
        let start = pos
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        let intStart = pos
        while pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) { pos += 1 }
        if pos == intStart { throw error("expected a number, found \(describeNext())") }
        if pos - intStart > 1, bytes[intStart] == UInt8(ascii: "0") { throw error("leading zero in number") }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            let f = pos
            while pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) { pos += 1 }
            if pos == f { throw error("digit expected after '.'") }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            let e = pos
            while pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) { pos += 1 }
            if pos == e { throw error("digit expected in exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw SyntaxError(offset: start, message: "number out of range")
        }
        return value
    }

    mutating func literal(_ word: StaticString) throws(SyntaxError) {
        skipWhitespace()
        let n = word.utf8CodeUnitCount
        guard pos + n <= bytes.count else { throw error("invalid token") }
        for i in 0..<n where bytes[pos + i] != word.utf8Start[i] { throw error("invalid token") }
        pos += n
    }

    /// Consumes `null` if it is next.
    mutating func consumeNull() throws(SyntaxError) -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// Skips one value of any kind without recursion. `depthAllowed` is how
    /// many levels of arrays/objects it may open; deeper input is refused.
    /// Returns false when that depth was exceeded.
    mutating func skipValue(depthAllowed: Int) throws(SyntaxError) -> Bool {
        var depth = 0
        // Per open level: true for object (expects keys), false for array.
        var kinds: [Bool] = []
        var needValue = true
        while true {
            if needValue {
                switch peek() ?? 0 {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    let isObject = bytes[pos] == UInt8(ascii: "{")
                    pos += 1
                    depth += 1
                    if depth > depthAllowed { return false }
                    kinds.append(isObject)
                    let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                    if consume(close) {
                        kinds.removeLast()
                        depth -= 1
                        needValue = false
                    } else if isObject {
                        _ = try rawString()
                        try expect(UInt8(ascii: ":"))
                    }
                    if depth == 0 { return true }
                    continue
                case UInt8(ascii: "\""): _ = try rawString()
                case UInt8(ascii: "t"): try literal("true")
                case UInt8(ascii: "f"): try literal("false")
                case UInt8(ascii: "n"): try literal("null")
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try number()
                default: throw error("expected a value, found \(describeNext())")
                }
                needValue = false
            }
            if depth == 0 { return true }
            // After a value inside a container: ',' or the container's close.
            let isObject = kinds[kinds.count - 1]
            if consume(UInt8(ascii: ",")) {
                if isObject {
                    _ = try rawString()
                    try expect(UInt8(ascii: ":"))
                }
                needValue = true
            } else if consume(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                kinds.removeLast()
                depth -= 1
                if depth == 0 { return true }
            } else {
                throw error("expected ',' or '\(isObject ? "}" : "]")', found \(describeNext())")
            }
        }
    }

    /// Iterates an object's keys: call after `{`; returns nil after the closing `}`.
    mutating func nextKey(first: inout Bool) throws(SyntaxError) -> RawString? {
        if first {
            first = false
            if consume(UInt8(ascii: "}")) { return nil }
        } else {
            if consume(UInt8(ascii: "}")) { return nil }
            guard consume(UInt8(ascii: ",")) else { throw error("expected ',' or '}', found \(describeNext())") }
        }
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a key, found \(describeNext())") }
        let key = try rawString()
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// Iterates an array's elements: call after `[`; false after the closing `]`.
    mutating func nextElement(first: inout Bool) throws(SyntaxError) -> Bool {
        if first {
            first = false
            return !consume(UInt8(ascii: "]"))
        }
        if consume(UInt8(ascii: "]")) { return false }
        guard consume(UInt8(ascii: ",")) else { throw error("expected ',' or ']', found \(describeNext())") }
        return true
    }
}
