/// Writes merged stacks as folded text: one distinct stack a line, frames as
/// `name (file:line)` joined by `;`, root first, then a space and the count.
/// Lines are sorted, so equal trees give byte-equal files.
public struct FoldedWriter: Sendable {
    public init() {}

    public func write(_ tree: CallTree, frame: (Int32) -> Frame) -> String {
        var text = FoldedStackText()
        var lines: [String] = []
        tree.forEachStack { stack, count in lines.append(text.text(stack, frame: frame) + " \(count)") }
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
