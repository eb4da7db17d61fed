/// A stack as folded text, `name (file:line);…` root first, each frame's
/// label made once: the folded and the diff-folded writers share it.
struct FoldedStackText {
    private var labels: [Int32: String] = [:]

    mutating func text(_ stack: [Int32], frame: (Int32) -> Frame) -> String {
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
        return line
    }
}
