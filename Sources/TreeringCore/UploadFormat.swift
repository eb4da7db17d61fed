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
        // pprof starts with field 1 or 2 (sample_type, sample) as a length-delimited record.
        if let first = bytes.first, first == 0x0a || first == 0x12 { return .pprof }
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
