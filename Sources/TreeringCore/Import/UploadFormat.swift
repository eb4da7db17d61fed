/// The upload formats the server and `treering import` take, each with its parser.
public enum UploadFormat: String, CaseIterable, Sendable {
    case treering
    case folded
    case speedscope
    case pprof

    /// Accepts the names users know the formats by.
    public init?(name: String) {
        switch name.lowercased() {
        case "treering", "treering/1": self = .treering
        case "folded", "collapsed", "raw", "lines": self = .folded
        case "speedscope", "speedscope.json": self = .speedscope
        case "pprof", "proto", "profile.proto": self = .pprof
        default: return nil
        }
    }

    public static var known: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Whether the format carries its own metadata (app, time range, interval);
    /// the others take it from the query string or the command line.
    public var carriesMetadata: Bool { self == .treering }

    /// Guesses a file's format from its first bytes, for `treering import`.
    public static func sniff(_ bytes: [UInt8]) -> UploadFormat {
        // Protobuf is full of small length bytes; text has no control bytes but tab and line ends.
        let binary = bytes.prefix(4096).contains { $0 < 0x09 || (0x0e...0x1f).contains($0) || $0 == 0x0b || $0 == 0x0c }
        if binary { return .pprof }
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
        let trimmed = head.drop(while: { $0.isWhitespace })
        guard trimmed.first == "{" else { return .folded }
        if head.contains("speedscope") || head.contains("\"shared\"") { return .speedscope }
        return .treering
    }

    public func parser(metadata: ProfileMetadata, limits: ProfileLimits) -> any ProfileParser {
        switch self {
        case .treering: TreeringJSONParser(limits: limits)
        case .folded: FoldedParser(metadata: metadata, limits: limits)
        case .speedscope: SpeedscopeParser(metadata: metadata, limits: limits)
        case .pprof: PprofParser(metadata: metadata, limits: limits)
        }
    }
}
