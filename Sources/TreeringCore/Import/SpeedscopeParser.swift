#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// speedscope's file format (https://www.speedscope.app/file-format-schema.json),
/// as written by py-spy, pyinstrument, rbspy and others: a shared frame table
/// and one or more profiles, sampled (stacks with weights) or evented
/// (open/close events whose durations become the weights).
///
/// When a file holds several profiles (py-spy writes one a thread), each
/// profile's name becomes the thread of its samples. Weights in a unit of time are kept as microseconds, with
/// an interval of 1 µs, so the time shown is the file's; weights in `none` or
/// `bytes` are counts, shown with the caller's interval.
public struct SpeedscopeParser: ProfileParser {
    public var metadata: ProfileMetadata
    public var limits: ProfileLimits

    public init(metadata: ProfileMetadata, limits: ProfileLimits = .default) {
        self.metadata = metadata
        self.limits = limits
    }

    struct File: Decodable {
        var shared: Shared
        var profiles: [Profile]
    }

    struct Shared: Decodable {
        var frames: [FileFrame]
    }

    struct FileFrame: Decodable {
        var name: String
        var file: String?
        var line: Int?
    }

    struct Profile: Decodable {
        var type: String
        var name: String?
        var unit: String
        var samples: [[Int]]?
        var weights: [Double]?
        var events: [Event]?
    }

    struct Event: Decodable {
        var type: String
        var at: Double
        var frame: Int
    }

    /// Microseconds per unit, for units of time.
    static let microseconds: [String: Double] = [
        "nanoseconds": 0.001, "microseconds": 1, "milliseconds": 1_000, "seconds": 1_000_000,
    ]
    static let countUnits: Set<String> = ["none", "bytes"]
    /// Stands for an empty stack until the "(no stack)" frame is interned.
    static let noStack: [Int32] = [-1]

    public func parse(_ bytes: [UInt8]) throws(InputError) -> TreeringCore.Profile {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw Self.describe(error)
        } catch {
            throw InputError(.malformedJSON, "body: not valid JSON")
        }
        guard file.shared.frames.count <= limits.maxFrames else {
            throw InputError.limit("shared.frames", "more than \(limits.maxFrames) frames")
        }
        var frames = FrameTable()
        var frameMap: [Int32] = []
        frameMap.reserveCapacity(file.shared.frames.count)
        for (i, f) in file.shared.frames.enumerated() {
            for (field, value) in [("name", f.name), ("file", f.file ?? "")] where value.utf8.count > limits.maxStringBytes {
                throw InputError.limit("shared.frames[\(i)].\(field)", "longer than \(limits.maxStringBytes) bytes")
            }
            frameMap.append(frames.intern(Frame(name: f.name, file: f.file ?? "", line: max(0, f.line ?? 0))))
        }
        guard !file.profiles.isEmpty else { throw InputError.invalid("profiles", "must hold at least one profile") }

        var metadata = self.metadata
        var timeUnit: String?
        var labels = LabelTable()
        var samples = SampleTable()
        for (p, profile) in file.profiles.enumerated() {
            let path = "profiles[\(p)]"
            let isTime = Self.microseconds[profile.unit] != nil
            guard isTime || Self.countUnits.contains(profile.unit) else {
                throw InputError.invalid(
                    "\(path).unit",
                    "unknown unit \"\(profile.unit)\" (known: none, bytes, nanoseconds, microseconds, milliseconds, seconds)")
            }
            if let seen = timeUnit, (Self.microseconds[seen] != nil) != isTime {
                throw InputError.invalid("\(path).unit", "\"\(profile.unit)\" mixes with \"\(seen)\" in one file")
            }
            timeUnit = profile.unit
            let scale = Self.microseconds[profile.unit] ?? 1
            let weighted: [[Int32]: Double]
            switch profile.type {
            case "sampled": weighted = try sampled(profile, path: path, frames: frameMap, scale: scale)
            case "evented": weighted = try evented(profile, path: path, frames: frameMap, scale: scale)
            default: throw InputError.invalid("\(path).type", "must be \"sampled\" or \"evented\" (got \"\(profile.type)\")")
            }
            // With several profiles (py-spy writes one a thread) the names tell them apart.
            let thread = file.profiles.count > 1 ? profile.name.flatMap { $0.isEmpty ? nil : $0 } : nil
            let labelID = labels.intern(SampleLabels(thread: thread))
            // Sorted, so the same file always gives the same sample order.
            for (key, weight) in weighted.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                let stack = key == Self.noStack ? [frames.intern(Frame(name: "(no stack)"))] : key
                // Checked as a Double: converting 1e300 (or a sum that reached infinity) would trap.
                let scaled = (weight * scale).rounded()
                guard scaled <= Double(limits.maxCount) else {
                    let field = profile.type == "sampled" ? "weights" : "events"
                    throw InputError.limit(
                        "\(path).\(field)", "one stack's weight adds up to \(scaled), over the limit of \(limits.maxCount)")
                }
                let count = Int64(scaled)
                guard count > 0 else { continue }
                guard samples.count < limits.maxSamples else {
                    throw InputError.limit("profiles", "more than \(limits.maxSamples) distinct stacks")
                }
                samples.append(stack: stack, count: count, labelID: labelID)
            }
        }
        guard samples.count > 0 else { throw InputError.invalid("profiles", "no stack has a weight above 0") }
        if let unit = timeUnit, Self.microseconds[unit] != nil {
            metadata.intervalMs = 0.001
        }
        if let unit = timeUnit { metadata.tags["speedscope.unit"] = unit }
        return TreeringCore.Profile(metadata: metadata, frames: frames, labels: labels.labels, samples: samples)
    }

    func frameID(_ index: Int, _ path: String, _ frames: [Int32]) throws(InputError) -> Int32 {
        guard index >= 0, index < frames.count else {
            throw InputError.invalid(path, "frame index \(index) out of range (\(frames.count) frames)")
        }
        return frames[index]
    }

    func sampled(_ profile: Profile, path: String, frames: [Int32], scale: Double) throws(InputError) -> [[Int32]: Double] {
        guard let stacks = profile.samples else { throw InputError.missing("\(path).samples") }
        guard let weights = profile.weights else { throw InputError.missing("\(path).weights") }
        guard stacks.count == weights.count else {
            throw InputError.invalid("\(path).weights", "has \(weights.count) entries for \(stacks.count) samples")
        }
        var out: [[Int32]: Double] = [:]
        for (i, stack) in stacks.enumerated() {
            guard weights[i] >= 0, weights[i] * scale <= Double(limits.maxCount) else {
                throw InputError.invalid(
                    "\(path).weights[\(i)]", "must be a number from 0 to \(Double(limits.maxCount) / scale) (got \(weights[i]))")
            }
            guard stack.count <= limits.maxStackDepth else {
                throw InputError.limit("\(path).samples[\(i)]", "stack of \(stack.count) frames is deeper than \(limits.maxStackDepth)")
            }
            if stack.isEmpty {
                // A sample that saw no frame (py-spy writes them): keep its weight.
                out[Self.noStack, default: 0] += weights[i]
                continue
            }
            var ids: [Int32] = []
            ids.reserveCapacity(stack.count)
            for (j, f) in stack.enumerated() { ids.append(try frameID(f, "\(path).samples[\(i)][\(j)]", frames)) }
            out[ids, default: 0] += weights[i]
        }
        return out
    }

    func evented(_ profile: Profile, path: String, frames: [Int32], scale: Double) throws(InputError) -> [[Int32]: Double] {
        guard let events = profile.events else { throw InputError.missing("\(path).events") }
        var out: [[Int32]: Double] = [:]
        var open: [Int32] = []
        var openIndexes: [Int] = []
        var last = events.first?.at ?? 0
        for (i, event) in events.enumerated() {
            let here = "\(path).events[\(i)]"
            // Times past ~3,000 years in microseconds are no clock's: refused before any arithmetic on them.
            guard abs(event.at * scale) <= 1e17 else {
                throw InputError.invalid("\(here).at", "must be a time of at most \(1e17 / scale) in the file's unit (got \(event.at))")
            }
            guard event.at >= last else {
                throw InputError.invalid("\(here).at", "events must be in time order (\(event.at) after \(last))")
            }
            if !open.isEmpty, event.at > last { out[open, default: 0] += event.at - last }
            last = event.at
            switch event.type {
            case "O":
                guard open.count < limits.maxStackDepth else {
                    throw InputError.limit(here, "more than \(limits.maxStackDepth) frames open")
                }
                open.append(try frameID(event.frame, "\(here).frame", frames))
                openIndexes.append(event.frame)
            case "C":
                guard let top = openIndexes.last else {
                    throw InputError.invalid(here, "closes frame \(event.frame) but no frame is open")
                }
                guard top == event.frame else {
                    throw InputError.invalid(here, "closes frame \(event.frame) but frame \(top) is the innermost open one")
                }
                open.removeLast()
                openIndexes.removeLast()
            default:
                throw InputError.invalid("\(here).type", "must be \"O\" or \"C\" (got \"\(event.type)\")")
            }
        }
        guard openIndexes.isEmpty else {
            throw InputError.invalid("\(path).events", "frame \(openIndexes.last!) is never closed")
        }
        return out
    }

    /// A decoding error as the field's path and the rule, like every other refusal.
    static func describe(_ error: DecodingError) -> InputError {
        func path(_ keys: [any CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let i = key.intValue { out += "[\(i)]" } else { out += out.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
            return out.isEmpty ? "body" : out
        }
        switch error {
        case .keyNotFound(let key, let context):
            return InputError.missing(path(context.codingPath + [key]))
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return InputError.invalid(path(context.codingPath), "expected \(typeName(type))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return InputError(.malformedJSON, "body: not valid JSON") }
            return InputError.invalid(path(context.codingPath), "invalid value")
        @unknown default:
            return InputError(.malformedJSON, "body: not a speedscope file")
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is [Any].Type: "an array"
        default: "\(type)".hasPrefix("Array") ? "an array" : "\(type)".contains("Dictionary") ? "an object" : "a value of type \(type)"
        }
    }
}
