/// Why an upload was refused: a machine-readable code and a message that
/// names the field and the rule, e.g.
/// `samples[3].stack[2]: frame index 99 out of range (40 frames)`.
public struct ProfileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case malformedJSON = "malformed_json"
        case missingField = "missing_field"
        case invalidField = "invalid_field"
        case limitExceeded = "limit_exceeded"
        case unsupportedFormat = "unsupported_format"
        case malformedInput = "malformed_input"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ path: String, _ rule: String) -> ProfileError {
        ProfileError(.invalidField, "\(path): \(rule)")
    }

    static func missing(_ path: String) -> ProfileError {
        ProfileError(.missingField, "\(path): required field is missing")
    }

    static func limit(_ path: String, _ rule: String) -> ProfileError {
        ProfileError(.limitExceeded, "\(path): \(rule)")
    }

    /// What a JSON parser answers for any error it threw: its own as is,
    /// the scanner's as malformed JSON at its byte.
    static func fromParsing(_ error: any Error) -> ProfileError {
        switch error {
        case let error as ProfileError: error
        case let error as JSONScanner.SyntaxError:
            ProfileError(.malformedJSON, "malformed JSON at byte \(error.offset): \(error.message)")
        default: ProfileError(.malformedJSON, "malformed JSON: \(error)")
        }
    }
}
