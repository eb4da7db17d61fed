/// A function, named by its name, source file and first line.
/// Two frames with the same three values are the same node of a call tree.
public struct Frame: Hashable, Sendable, Codable {
    public let name: String
    public let file: String
    public let line: Int
    /// A hash of the three values, computed once: every upload's frames are
    /// looked up in two tables (the upload's own, then the app's stored ids),
    /// and hashing their strings each time was a tenth of ingest's CPU.
    private let digest: UInt64

    public init(name: String, file: String = "", line: Int = 0) {
        self.name = name
        self.file = file
        self.line = line
        digest = FastDigest.of(name: name, file: file, line: line)
    }

    enum CodingKeys: String, CodingKey {
        case name, file, line
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), file: try c.decode(String.self, forKey: .file),
            line: try c.decode(Int.self, forKey: .line))
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(digest)
    }

    public static func == (a: Frame, b: Frame) -> Bool {
        a.digest == b.digest && a.line == b.line && a.name == b.name && a.file == b.file
    }

    /// The form used in folded exports: `name (file:line)`, or the bare name
    /// when the frame has no file (as folded imports without files produce).
    public var foldedLabel: String {
        file.isEmpty ? name : "\(name) (\(file):\(line))"
    }
}
