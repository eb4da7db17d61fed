/// Why some input was refused (an upload, a session spec, a time
/// expression, a query parameter): a machine-readable code and a message
/// that names the field and the rule, e.g.
/// `samples[3].stack[2]: frame index 99 out of range (40 frames)`.
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
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

    public static func invalid(_ path: String, _ rule: String) -> InputError {
        InputError(.invalidField, "\(path): \(rule)")
    }

    public static func missing(_ path: String) -> InputError {
        InputError(.missingField, "\(path): required field is missing")
    }

    public static func limit(_ path: String, _ rule: String) -> InputError {
        InputError(.limitExceeded, "\(path): \(rule)")
    }

    /// What a JSON parser answers for any error it threw: its own as is,
    /// the scanner's as malformed JSON at its byte.
    static func fromParsing(_ error: any Error) -> InputError {
        switch error {
        case let error as InputError: error
        case let error as JSONScanner.SyntaxError:
            InputError(.malformedJSON, "malformed JSON at byte \(error.offset): \(error.message)")
        default: InputError(.malformedJSON, "malformed JSON: \(error)")
        }
    }
}

extension InputError {
    /// The same error about a field inside `prefix`: `from: ...` becomes
    /// `base.from: ...` (every message starts with the field it names).
    public func prefixed(_ prefix: String) -> InputError {
        InputError(code, prefix + message)
    }
}
