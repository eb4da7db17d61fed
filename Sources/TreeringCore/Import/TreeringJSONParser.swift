/// Reads the native `treering/1` upload (see the upload format page) straight
/// from bytes into flat arrays, enforcing every rule and limit as it goes.
///
/// It follows the document's fixed shape instead of building a generic JSON
/// tree first: faster than Foundation's parser on the same bytes, and nothing
/// it does recurses on the input.
public struct TreeringJSONParser: ProfileParser {
    public var limits: ProfileLimits
    /// Deepest nesting allowed anywhere, counting the top-level object as 1:
    /// the format's own shape goes no deeper than `samples[].tags{}`.
    public static let maxNesting = 4

    public init(limits: ProfileLimits = .default) {
        self.limits = limits
    }

    public func parse(_ bytes: [UInt8]) throws(InputError) -> Profile {
        do {
            return try bytes.withUnsafeBufferPointer { buffer in
                var run = Run(scanner: JSONScanner(buffer), limits: limits)
                return try run.document()
            }
        } catch {
            throw InputError.fromParsing(error)
        }
    }
}

/// The state of one parse.
private struct Run {
    var scanner: JSONScanner
    let limits: ProfileLimits

    var format: String?
    var app: String?
    var host: String?
    var pid: Int?
    var runtime: String?
    var agent: String?
    var start: Double?
    var end: Double?
    var intervalMs: Double?
    var tags: [String: String] = [:]
    var uploadFrames: [Frame] = []
    var sawFrames = false
    var sawSamples = false

    var samples = SampleTable()
    var labels = LabelTable()
    /// Label ids by the digest of their thread and tags text (see `labelID`).
    var labelsByText: [UInt64: (text: LabelText, id: Int32)] = [:]
    var maxFrameIndex: Int64 = -1
    var minFrameIndex: Int64 = 0

    init(scanner: JSONScanner, limits: ProfileLimits) {
        self.scanner = scanner
        self.limits = limits
    }

    mutating func document() throws -> Profile {
        guard scanner.peek() == UInt8(ascii: "{") else {
            throw InputError(.malformedJSON, "malformed JSON at byte \(scanner.pos): expected an object, found \(scanner.describeNext())")
        }
        try scanner.expect(UInt8(ascii: "{"))
        var first = true
        while let key = try scanner.nextKey(first: &first) {
            if scanner.rawEquals(key, "samples") {
                try samplesArray()
            } else if scanner.rawEquals(key, "frames") {
                try framesArray()
            } else if scanner.rawEquals(key, "format") {
                format = try string("format")
            } else if scanner.rawEquals(key, "app") {
                app = try string("app")
            } else if scanner.rawEquals(key, "host") {
                host = try optionalString("host")
            } else if scanner.rawEquals(key, "pid") {
                pid = try optionalInteger("pid").map { Int($0) }
            } else if scanner.rawEquals(key, "runtime") {
                runtime = try optionalString("runtime")
            } else if scanner.rawEquals(key, "agent") {
                agent = try optionalString("agent")
            } else if scanner.rawEquals(key, "start") {
                start = try number("start")
            } else if scanner.rawEquals(key, "end") {
                end = try number("end")
            } else if scanner.rawEquals(key, "interval_ms") {
                intervalMs = try number("interval_ms")
            } else if scanner.rawEquals(key, "tags") {
                tags = try tagObject("tags")
            } else {
                let unknown = scanner.string(key)
                try skipUnknown(unknown, depthUsed: 1)
            }
        }
        guard scanner.peek() == nil else {
            throw InputError(.malformedJSON, "malformed JSON at byte \(scanner.pos): unexpected data after the document")
        }
        return try finish()
    }

    // MARK: Fields

    mutating func framesArray() throws {
        sawFrames = true
        guard scanner.consume(UInt8(ascii: "[")) else {
            throw typeError("frames", "an array of frames")
        }
        var first = true
        while try scanner.nextElement(first: &first) {
            let i = uploadFrames.count
            guard i < limits.maxFrames else {
                throw InputError.limit("frames", "more than \(limits.maxFrames) frames")
            }
            // Paths name a bad field in an error; built only when one is thrown.
            func path() -> String { "frames[\(i)]" }
            guard scanner.consume(UInt8(ascii: "{")) else {
                throw typeError(path(), "an object with name, file and line")
            }
            var name: String?
            var file = ""
            var line: Int64 = 0
            var firstKey = true
            while let key = try scanner.nextKey(first: &firstKey) {
                if scanner.rawEquals(key, "name") {
                    name = try string(path() + ".name")
                } else if scanner.rawEquals(key, "file") {
                    file = try string(path() + ".file")
                } else if scanner.rawEquals(key, "line") {
                    line = try integer(path() + ".line")
                    guard line >= 0, line <= Int64(Int32.max) else {
                        throw InputError.invalid(path() + ".line", "must be an integer >= 0 (got \(line))")
                    }
                } else {
                    let unknown = scanner.string(key)
                    try skipUnknown(path() + "." + unknown, depthUsed: 3)
                }
            }
            guard let name else { throw InputError.missing(path() + ".name") }
            uploadFrames.append(Frame(name: name, file: file, line: Int(line)))
        }
    }

    mutating func samplesArray() throws {
        sawSamples = true
        guard scanner.consume(UInt8(ascii: "[")) else {
            throw typeError("samples", "an array of samples")
        }
        var first = true
        var index = 0
        while try scanner.nextElement(first: &first) {
            guard index < limits.maxSamples else {
                throw InputError.limit("samples", "more than \(limits.maxSamples) samples")
            }
            try sample(index)
            index += 1
        }
    }

    mutating func sample(_ index: Int) throws {
        guard scanner.consume(UInt8(ascii: "{")) else {
            throw typeError("samples[\(index)]", "an object with stack and count")
        }
        var count: Int64?
        var sawStack = false
        // Where the thread and tags values are: read once per distinct text.
        var labelText = LabelText()
        var firstKey = true
        while let key = try scanner.nextKey(first: &firstKey) {
            if scanner.rawEquals(key, "stack") {
                guard !sawStack else { throw InputError.invalid("samples[\(index)].stack", "given twice") }
                sawStack = true
                try stack(index)
            } else if scanner.rawEquals(key, "count") {
                let c = try integer("samples[\(index)].count")
                guard c >= 1 else {
                    throw InputError.invalid("samples[\(index)].count", "must be an integer >= 1 (got \(c))")
                }
                guard c <= limits.maxCount else {
                    throw InputError.limit("samples[\(index)].count", "at most \(limits.maxCount) (got \(c))")
                }
                count = c
            } else if scanner.rawEquals(key, "thread") {
                labelText.thread = try skippedValue("samples[\(index)].thread")
            } else if scanner.rawEquals(key, "tags") {
                labelText.tags = try skippedValue("samples[\(index)].tags")
            } else {
                let unknown = scanner.string(key)
                try skipUnknown("samples[\(index)]." + unknown, depthUsed: 3)
            }
        }
        let labelID = try labelID(labelText, index)
        guard sawStack else { throw InputError.missing("samples[\(index)].stack") }
        guard let count else {
            samples.discardOpenSample()
            throw InputError.missing("samples[\(index)].count")
        }
        samples.endSample(count: count, labelID: labelID)
    }

    /// Byte ranges of a sample's `thread` and `tags` values in the input.
    struct LabelText {
        var thread: Range<Int>?
        var tags: Range<Int>?
    }

    /// The range of the next value, skipped (it is read later, if at all).
    mutating func skippedValue(_ path: @autoclosure () -> String) throws -> Range<Int> {
        _ = scanner.peek()
        let start = scanner.pos
        try skipUnknown(path(), depthUsed: 3)
        return start..<scanner.pos
    }

    /// The label id of a sample's thread and tags. A thousand samples of an
    /// upload repeat a few dozen of them: the same text maps to the id it got
    /// the first time (compared byte for byte), without building strings and
    /// a dictionary for every sample.
    mutating func labelID(_ text: LabelText, _ index: Int) throws -> Int32 {
        let digest = FastDigest.mix(FastDigest.mix(1, bytes(text.thread)), bytes(text.tags))
        if let seen = labelsByText[digest], sameText(seen.text, text) { return seen.id }
        let resume = scanner.pos
        var thread: String?
        var tags: [String: String] = [:]
        if let range = text.thread {
            scanner.seek(to: range.lowerBound)
            thread = try optionalString("samples[\(index)].thread")
        }
        if let range = text.tags {
            scanner.seek(to: range.lowerBound)
            tags = try tagObject("samples[\(index)].tags")
        }
        scanner.seek(to: resume)
        let id = labels.intern(SampleLabels(thread: thread, tags: tags))
        if labelsByText[digest] == nil { labelsByText[digest] = (text, id) }
        return id
    }

    /// The input bytes in `range` (none for a missing value, which differs
    /// from an empty one by the length mixed in first).
    func bytes(_ range: Range<Int>?) -> UnsafeBufferPointer<UInt8> {
        guard let range else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(rebasing: scanner.bytes[range])
    }

    func sameText(_ a: LabelText, _ b: LabelText) -> Bool {
        func same(_ x: Range<Int>?, _ y: Range<Int>?) -> Bool {
            switch (x, y) {
            case (nil, nil): return true
            case let (x?, y?): return x == y || scanner.bytes[x].elementsEqual(scanner.bytes[y])
            default: return false
            }
        }
        return same(a.thread, b.thread) && same(a.tags, b.tags)
    }

    /// Reads a stack straight into the sample table.
    mutating func stack(_ index: Int) throws {
        guard scanner.consume(UInt8(ascii: "[")) else {
            throw typeError("samples[\(index)].stack", "an array of frame indexes")
        }
        var first = true
        var depth = 0
        while try scanner.nextElement(first: &first) {
            guard depth < limits.maxStackDepth else {
                throw InputError.limit("samples[\(index)].stack", "deeper than the limit of \(limits.maxStackDepth) frames")
            }
            guard scanner.nextIsNumber() else {
                throw typeError("samples[\(index)].stack[\(depth)]", "a frame index")
            }
            let frame: Int64
            do {
                frame = try scanner.integer()
            } catch {
                throw InputError.invalid("samples[\(index)].stack[\(depth)]", "expected an integer frame index (\(error.message))")
            }
            if frame > maxFrameIndex { maxFrameIndex = frame }
            if frame < minFrameIndex { minFrameIndex = frame }
            // Out-of-range values are kept (clamped to fit) and reported after
            // parsing, when the frame table's size is known.
            samples.appendFrame(Int32(clamping: frame))
            depth += 1
        }
        guard depth > 0 else {
            throw InputError.invalid("samples[\(index)].stack", "must have at least 1 frame")
        }
    }

    // MARK: Values

    mutating func typeError(_ path: String, _ expected: String) -> InputError {
        scanner.typeError(path, expected)
    }

    mutating func string(_ path: @autoclosure () -> String) throws -> String {
        guard scanner.peek() == UInt8(ascii: "\"") else {
            throw typeError(path(), "a string")
        }
        let raw = try scanner.rawString()
        guard raw.end - raw.start <= limits.maxStringBytes || scanner.string(raw).utf8.count <= limits.maxStringBytes else {
            throw InputError.limit(path(), "longer than the limit of \(limits.maxStringBytes) bytes")
        }
        return scanner.string(raw)
    }

    mutating func optionalString(_ path: @autoclosure () -> String) throws -> String? {
        if try scanner.consumeNull() { return nil }
        return try string(path())
    }

    mutating func number(_ path: @autoclosure () -> String) throws -> Double {
        guard scanner.nextIsNumber() else {
            throw typeError(path(), "a number")
        }
        return try scanner.number()
    }

    mutating func integer(_ path: @autoclosure () -> String) throws -> Int64 {
        guard scanner.nextIsNumber() else {
            throw typeError(path(), "an integer")
        }
        do {
            return try scanner.integer()
        } catch {
            throw InputError.invalid(path(), "expected an integer (\(error.message))")
        }
    }

    mutating func optionalInteger(_ path: @autoclosure () -> String) throws -> Int64? {
        if try scanner.consumeNull() { return nil }
        return try integer(path())
    }

    /// A `{"key": "value", ...}` object of labels.
    mutating func tagObject(_ path: @autoclosure () -> String) throws -> [String: String] {
        if try scanner.consumeNull() { return [:] }
        guard scanner.consume(UInt8(ascii: "{")) else {
            throw typeError(path(), "an object of string values")
        }
        var result: [String: String] = [:]
        var first = true
        while let rawKey = try scanner.nextKey(first: &first) {
            let key = scanner.string(rawKey)
            guard !key.isEmpty else { throw InputError.invalid(path(), "a tag key must not be empty") }
            guard key.utf8.count <= limits.maxStringBytes else {
                throw InputError.limit(path(), "a tag key is longer than the limit of \(limits.maxStringBytes) bytes")
            }
            result[key] = try string("\(path()).\(key)")
            guard result.count <= limits.maxTags else {
                throw InputError.limit(path(), "more than \(limits.maxTags) tags")
            }
        }
        return result
    }

    /// Unknown fields are allowed (the format grows by optional fields) but
    /// may not nest deeper than the format's own shape.
    mutating func skipUnknown(_ path: @autoclosure () -> String, depthUsed: Int) throws {
        let allowed = TreeringJSONParser.maxNesting - depthUsed
        guard try scanner.skipValue(depthAllowed: allowed) else {
            throw InputError.limit(path(), "JSON nested deeper than \(TreeringJSONParser.maxNesting) levels")
        }
    }

    // MARK: Whole-document rules

    mutating func finish() throws -> Profile {
        guard let format else { throw InputError.missing("format") }
        guard format == "treering/1" else {
            throw InputError(.unsupportedFormat, "format: unsupported format \"\(format)\" (expected \"treering/1\")")
        }
        guard let app else { throw InputError.missing("app") }
        try AppName.validate(app, path: "app")
        guard let start else { throw InputError.missing("start") }
        guard let end else { throw InputError.missing("end") }
        try UnixTime.check(start, path: "start")
        try UnixTime.check(end, path: "end")
        guard end >= start else { throw InputError.invalid("end", "must be >= start (\(end) < \(start))") }
        guard let intervalMs else { throw InputError.missing("interval_ms") }
        try ProfileMetadata.checkInterval(intervalMs, path: "interval_ms")
        guard sawFrames else { throw InputError.missing("frames") }
        guard sawSamples else { throw InputError.missing("samples") }
        if minFrameIndex < 0 || maxFrameIndex >= Int64(uploadFrames.count) {
            throw outOfRangeError()
        }
        // Identical frames become one id, so equal stacks merge.
        var table = FrameTable()
        table.reserveCapacity(uploadFrames.count)
        let map = uploadFrames.map { table.intern($0) }
        if table.count != uploadFrames.count { samples.remapFrames(map) }
        let metadata = ProfileMetadata(
            app: app, host: host, pid: pid, runtime: runtime, agent: agent,
            start: start, end: end, intervalMs: intervalMs, tags: tags)
        let profile = Profile(metadata: metadata, frames: table, labels: labels.labels, samples: samples)
        return IdleSamples.mark(profile, limits: limits)
    }

    /// Finds the first bad frame index, for a message that points at it.
    func outOfRangeError() -> InputError {
        let n = uploadFrames.count
        for i in 0..<samples.count {
            for (j, f) in samples.stack(i).enumerated() where f < 0 || Int(f) >= n {
                return InputError.invalid("samples[\(i)].stack[\(j)]", "frame index \(f) out of range (\(n) frames)")
            }
        }
        return InputError.invalid("samples", "frame index out of range (\(n) frames)")
    }
}
