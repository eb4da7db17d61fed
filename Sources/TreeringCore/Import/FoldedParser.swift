/// Folded stacks, as written by py-spy `record -f raw`, the FlameGraph
/// `stackcollapse-*` scripts, async-profiler's `collapsed` output and
/// Treering's own folded export: one stack a line, frames root first joined by
/// `;`, a space and the count at the end.
///
/// A frame written `name (file:line)` (py-spy's style, and ours) becomes name,
/// file and line; any other frame keeps its text as the name. py-spy's
/// `process …` and `thread (…)` root frames name the thread of the sample
/// instead of becoming call-tree nodes; a line with no frames (py-spy writes
/// ` 3` for samples that saw none) counts under a `(no stack)` frame. The folded text carries no metadata,
/// so app, time range and interval come from the caller.
public struct FoldedParser: ProfileParser {
    public var metadata: ProfileMetadata
    public var limits: ProfileLimits

    public init(metadata: ProfileMetadata, limits: ProfileLimits = .default) {
        self.metadata = metadata
        self.limits = limits
    }

    public func parse(_ bytes: [UInt8]) throws(InputError) -> Profile {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw InputError(.malformedInput, "body: folded stacks must be UTF-8 text")
        }
        var frames = FrameTable()
        var frameIDs: [Substring: Int32] = [:]
        var labels = LabelTable()
        var samples = SampleTable()
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.last == "\r" ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            guard let space = line.lastIndex(of: " ") else {
                throw InputError.invalid("line \(lineNumber)", "expected `frame;frame;... count`, found no count")
            }
            let countText = line[line.index(after: space)...]
            guard let count = Int64(countText), count >= 0 else {
                throw InputError.invalid("line \(lineNumber)", "count \"\(countText.prefix(40))\" is not a whole number >= 0")
            }
            guard count <= limits.maxCount else {
                throw InputError.limit("line \(lineNumber)", "count \(count) is over the limit of \(limits.maxCount)")
            }
            if count == 0 { continue }
            guard samples.count < limits.maxSamples else {
                throw InputError.limit("line \(lineNumber)", "more than \(limits.maxSamples) stacks")
            }
            var parts = line[..<space].split(separator: ";", omittingEmptySubsequences: true)[...]
            var thread: [Substring] = []
            while let first = parts.first, Self.isPySpyRoot(first) {
                thread.append(first)
                parts = parts.dropFirst()
            }
            if parts.isEmpty {
                // py-spy writes ` 3` for samples that saw no frame; keep their
                // count, so totals match the file, under a frame that says so.
                parts = [Self.noStack]
            }
            guard parts.count <= limits.maxStackDepth else {
                throw InputError.limit("line \(lineNumber)", "stack of \(parts.count) frames is deeper than \(limits.maxStackDepth)")
            }
            let labelID = labels.intern(SampleLabels(thread: thread.isEmpty ? nil : thread.joined(separator: " ")))
            for part in parts {
                if let id = frameIDs[part] {
                    samples.appendFrame(id)
                    continue
                }
                guard part.utf8.count <= limits.maxStringBytes else {
                    throw InputError.limit(
                        "line \(lineNumber)", "a frame of \(part.utf8.count) bytes is longer than \(limits.maxStringBytes)")
                }
                let id = frames.intern(Self.frame(part))
                guard frames.count <= limits.maxFrames else {
                    throw InputError.limit("line \(lineNumber)", "more than \(limits.maxFrames) distinct frames")
                }
                frameIDs[part] = id
                samples.appendFrame(id)
            }
            samples.endSample(count: count, labelID: labelID)
        }
        guard samples.count > 0 else {
            throw InputError.invalid("body", "no stacks with a count above 0")
        }
        return Profile(metadata: metadata, frames: frames, labels: labels.labels, samples: samples)
    }

    static let noStack: Substring = "(no stack)"

    /// py-spy's root frames: `process 4121:"python app.py"`, `thread (0x7F…)`
    /// and `thread (10903): MainThread`.
    static func isPySpyRoot(_ frame: Substring) -> Bool {
        if frame.hasPrefix("thread (") { return true }
        guard frame.hasPrefix("process ") else { return false }
        let rest = frame.dropFirst("process ".count)
        guard let colon = rest.firstIndex(of: ":") else { return false }
        return !rest[..<colon].isEmpty && rest[..<colon].allSatisfy(\.isNumber)
    }

    /// `name (file:line)` → name, file, line; `name (file)` → name, file;
    /// anything else is all name.
    static func frame(_ text: Substring) -> Frame {
        guard text.last == ")", let open = lastOpening(text) else {
            return Frame(name: String(text))
        }
        let name = text[..<open]
        let inside = text[text.index(open, offsetBy: 2)..<text.index(before: text.endIndex)]
        guard !name.isEmpty, !inside.isEmpty else { return Frame(name: String(text)) }
        if let colon = inside.lastIndex(of: ":"), let line = Int(inside[inside.index(after: colon)...]), line >= 0 {
            return Frame(name: String(name), file: String(inside[..<colon]), line: line)
        }
        return Frame(name: String(name), file: String(inside))
    }

    /// Where the last " (" starts.
    static func lastOpening(_ text: Substring) -> Substring.Index? {
        var i = text.endIndex
        while i > text.startIndex {
            i = text.index(before: i)
            if text[i] == "(", i > text.startIndex, text[text.index(before: i)] == " " {
                return text.index(before: i)
            }
        }
        return nil
    }
}
