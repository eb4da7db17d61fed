import SwiftProtobuf

/// pprof (`profile.proto`, as Go, pyroscope-io and many agents write it),
/// uncompressed (callers inflate gzip first). Values of one sample type (by
/// name, else the profile's default, else the first) become counts: divided
/// by the period when the period has the value's unit, so a CPU profile in
/// nanoseconds becomes samples with the period as interval. Locations expand
/// to their lines (inlined functions first in pprof, so reversed for root
/// first); a frame is the function's name, file and first line. String labels
/// of a sample become its tags, `thread_name` its thread.
public struct PprofParser: ProfileParser {
    public var metadata: ProfileMetadata
    public var limits: ProfileLimits
    public var sampleType: String?

    public init(metadata: ProfileMetadata, limits: ProfileLimits = .default, sampleType: String? = nil) {
        self.metadata = metadata
        self.limits = limits
        self.sampleType = sampleType
    }

    public func parse(_ bytes: [UInt8]) throws(InputError) -> Profile {
        if Gzip.isCompressed(bytes) {
            throw InputError(.malformedInput, "body: gzip-compressed pprof must be inflated first (send it with Content-Encoding: gzip)")
        }
        let pprof: Perftools_Profiles_Profile
        do {
            pprof = try Perftools_Profiles_Profile(serializedBytes: bytes)
        } catch {
            throw InputError(.malformedInput, "body: not a pprof profile (\(error))")
        }
        let strings = pprof.stringTable
        func string(_ index: Int64, _ path: String) throws(InputError) -> String {
            guard index >= 0, index < strings.count else {
                throw InputError.invalid(path, "string index \(index) out of range (\(strings.count) strings)")
            }
            let s = strings[Int(index)]
            guard s.utf8.count <= limits.maxStringBytes else {
                throw InputError.limit(path, "a string of \(s.utf8.count) bytes is longer than \(limits.maxStringBytes)")
            }
            return s
        }
        guard !pprof.sampleType.isEmpty else { throw InputError.missing("sample_type") }
        var types: [String] = []
        for (i, t) in pprof.sampleType.enumerated() { types.append(try string(t.type, "sample_type[\(i)].type")) }
        let valueIndex: Int
        if let sampleType {
            guard let i = types.firstIndex(of: sampleType) else {
                throw InputError.invalid("sample_type", "has no \"\(sampleType)\" (has: \(types.joined(separator: ", ")))")
            }
            valueIndex = i
        } else if pprof.defaultSampleType != 0, let i = try types.firstIndex(of: string(pprof.defaultSampleType, "default_sample_type")) {
            valueIndex = i
        } else {
            valueIndex = 0
        }
        let unit = try string(pprof.sampleType[valueIndex].unit, "sample_type[\(valueIndex)].unit")
        let periodUnit = pprof.hasPeriodType ? try string(pprof.periodType.unit, "period_type.unit") : ""
        let divisor = pprof.period > 0 && periodUnit == unit ? pprof.period : 1
        var metadata = self.metadata
        if let perMs = Self.perMillisecond[unit] {
            metadata.intervalMs = Double(divisor) / perMs
            try ProfileMetadata.checkInterval(metadata.intervalMs, path: "period")
        }
        if pprof.timeNanos > 0 {
            metadata.start = Double(pprof.timeNanos) / 1e9
            metadata.end = metadata.start + Double(max(0, pprof.durationNanos)) / 1e9
        }
        metadata.tags["pprof.sample_type"] = types[valueIndex]

        guard pprof.function.count <= limits.maxFrames else {
            throw InputError.limit("function", "more than \(limits.maxFrames) functions")
        }
        var frames = FrameTable()
        var functionFrame: [UInt64: Int32] = [:]
        for (i, f) in pprof.function.enumerated() {
            let name = try string(f.name, "function[\(i)].name")
            let file = try string(f.filename, "function[\(i)].filename")
            functionFrame[f.id] = frames.intern(Frame(name: name.isEmpty ? "<unknown>" : name, file: file, line: Int(max(0, f.startLine))))
        }
        // Each location as frame ids, innermost first (pprof's order).
        var locationFrames: [UInt64: [Int32]] = [:]
        for (i, location) in pprof.location.enumerated() {
            var ids: [Int32] = []
            for (j, line) in location.line.enumerated() {
                guard let id = functionFrame[line.functionID] else {
                    throw InputError.invalid("location[\(i)].line[\(j)].function_id", "no function \(line.functionID)")
                }
                ids.append(id)
            }
            if ids.isEmpty {
                ids.append(frames.intern(Frame(name: "0x" + String(location.address, radix: 16))))
            }
            locationFrames[location.id] = ids
        }

        var labels = LabelTable()
        var samples = SampleTable()
        guard pprof.sample.count <= limits.maxSamples else {
            throw InputError.limit("sample", "more than \(limits.maxSamples) samples")
        }
        for (i, sample) in pprof.sample.enumerated() {
            guard valueIndex < sample.value.count else {
                throw InputError.invalid("sample[\(i)].value", "has \(sample.value.count) values for \(types.count) sample types")
            }
            let count = sample.value[valueIndex] / divisor
            guard count > 0 else { continue }
            guard count <= limits.maxCount else {
                throw InputError.limit("sample[\(i)].value", "\(count) is over the limit of \(limits.maxCount)")
            }
            var stack: [Int32] = []
            for (j, locationID) in sample.locationID.reversed().enumerated() {
                guard let ids = locationFrames[locationID] else {
                    throw InputError.invalid("sample[\(i)].location_id[\(sample.locationID.count - 1 - j)]", "no location \(locationID)")
                }
                stack.append(contentsOf: ids.reversed())
            }
            guard !stack.isEmpty else { continue }
            guard stack.count <= limits.maxStackDepth else {
                throw InputError.limit("sample[\(i)]", "stack of \(stack.count) frames is deeper than \(limits.maxStackDepth)")
            }
            var thread: String?
            var tags: [String: String] = [:]
            for (j, label) in sample.label.enumerated() where label.str != 0 {
                let key = try string(label.key, "sample[\(i)].label[\(j)].key")
                let value = try string(label.str, "sample[\(i)].label[\(j)].str")
                if key == "thread_name" { thread = value } else if key != "thread_id" { tags[key] = value }
            }
            guard tags.count <= limits.maxTags else {
                throw InputError.limit("sample[\(i)].label", "more than \(limits.maxTags) labels")
            }
            samples.append(stack: stack, count: count, labelID: labels.intern(SampleLabels(thread: thread, tags: tags)))
        }
        return Profile(metadata: metadata, frames: frames, labels: labels.labels, samples: samples)
    }

    /// Units of time, per millisecond.
    static let perMillisecond: [String: Double] = ["nanoseconds": 1e6, "microseconds": 1e3, "milliseconds": 1, "seconds": 1e-3]
}
