import Foundation

extension JSONEncoder {
    /// The encoder for API answers: stable key order, snake_case keys (the
    /// keys of dictionaries, such as tags, are left as they are), slashes
    /// left as they are.
    static let treering: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }()
}
