/// Writes merged stacks as folded text: one distinct stack a line, frames as
/// `name (file:line)` joined by `;`, root first, then a space and the count.
/// Lines are sorted, so equal trees give byte-equal files.
public struct FoldedWriter: Sendable {
    public init() {}

    public func write(_ tree: CallTree, frame: (Int32) -> Frame) -> String {
        var labels: [Int32: String] = [:]
        var lines: [String] = []
        tree.forEachStack { stack, count in
            var line = ""
            for (i, f) in stack.enumerated() {
                if i > 0 { line += ";" }
                if let known = labels[f] {
                    line += known
                } else {
                    // A newline inside a name would split the record.
                    let label = frame(f).foldedLabel.replacingNewlines()
                    labels[f] = label
                    line += label
                }
            }
            line += " \(count)"
            lines.append(line)
        }
        lines.sort()
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    func replacingNewlines() -> String {
        guard contains(where: { $0.isNewline }) else { return self }
        return String(map { $0.isNewline ? " " : $0 })
    }
}
