/// Writes a diff tree as FlameGraph's `difffolded.pl` text: one line per
/// distinct stack in either side, `stack BASE_COUNT TARGET_COUNT`, 0 where a
/// side lacks the stack, frames written as `FoldedWriter` writes them, lines
/// sorted.
public struct DiffFoldedWriter: Sendable {
    public init() {}

    public func write(_ diff: DiffTree) -> String {
        var labels: [Int32: String] = [:]
        var lines: [String] = []
        diff.forEachStack { stack, base, target in
            var line = ""
            for (i, f) in stack.enumerated() {
                if i > 0 { line += ";" }
                if let known = labels[f] {
                    line += known
                } else {
                    let label = diff.frames[f].foldedLabel.replacingNewlines()
                    labels[f] = label
                    line += label
                }
            }
            line += " \(base) \(target)"
            lines.append(line)
        }
        lines.sort()
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }
}
