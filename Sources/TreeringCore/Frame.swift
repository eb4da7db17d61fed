/// A function, named by its name, source file and first line.
/// Two frames with the same three values are the same node of a call tree.
public struct Frame: Hashable, Sendable, Codable {
    public var name: String
    public var file: String
    public var line: Int

    public init(name: String, file: String = "", line: Int = 0) {
        self.name = name
        self.file = file
        self.line = line
    }

    /// The form used in folded exports: `name (file:line)`, or the bare name
    /// when the frame has no file (as folded imports without files produce).
    public var foldedLabel: String {
        file.isEmpty ? name : "\(name) (\(file):\(line))"
    }
}
