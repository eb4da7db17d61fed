import Foundation
import Hummingbird

/// Query strings decoded as browsers write them (`application/x-www-form-urlencoded`):
/// `+` is a space and keys are percent-decoded too. Hummingbird's
/// `queryParameters` decodes only values and keeps `+`, so a filter such as
/// `transaction=GET+%2Forders%2F` from `URLSearchParams` would match nothing.
enum FormQuery {
    static func parameters(_ request: Request) -> Parameters {
        guard let query = request.uri.query, !query.isEmpty else { return .init() }
        return .init(pairs(query).map { (key: $0.key[...], value: $0.value[...]) })
    }

    /// `a=1&b=x+y` as decoded pairs, in order: a query string or a form body.
    static func pairs(_ text: String) -> [(key: String, value: String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (key: decode(parts[0]), value: parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// Pairs written as a query string that `pairs` reads back unchanged:
    /// everything but unreserved characters percent-encoded.
    static func encode(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        func escape(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        return pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
