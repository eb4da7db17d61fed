/// Writes a diff tree as FlameGraph's `difffolded.pl` text: one line per
/// distinct stack in either side, `stack BASE_COUNT TARGET_COUNT`, 0 where a
/// side lacks the stack, frames written as `FoldedWriter` writes them, lines
/// sorted.
public struct DiffFoldedWriter: Sendable {
    public init() {}

    public func write(_ diff: DiffTree) -> String {
        var text = FoldedStackText()
        var lines: [String] = []
        diff.forEachStack { stack, base, target in
            lines.append(text.text(stack, frame: { diff.frames[$0] }) + " \(base) \(target)")
        }
        lines.sort()
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }
}
