import Foundation
import HummingbirdTesting

extension JSONDecoder {
    /// Reads the API's JSON into the tests' answer types: `interval_ms`
    /// becomes `intervalMs` (so `share_url` is `shareUrl`).
    static let api: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()
}

extension TestResponse {
    /// The body, decoded as one of the API's answers. `JSONDecoder()` keeps
    /// the names as the server wrote them (for `FieldNames`).
    func decode<Answer: Decodable>(_ type: Answer.Type, decoder: JSONDecoder = .api) throws -> Answer {
        try decoder.decode(type, from: Data(body.readableBytesView))
    }

    /// The names of the body's fields as the server wrote them, for checks
    /// that a field is there (or absent) whatever its value.
    func fieldNames() throws -> Set<String> {
        try decode(FieldNames.self, decoder: JSONDecoder()).names
    }
}

/// The code and message of a refusal (`{"error": {"code", "message"}}`).
func errorMessage(_ response: TestResponse) throws -> (code: String?, message: String) {
    let error = try response.decode(ErrorAnswer.self).error
    return (error.code, error.message)
}
