import Hummingbird

extension Request {
    /// The Content-Type without its parameters, lowercased: `text/plain` for
    /// `Text/Plain; charset=utf-8`; nil when there is none.
    var mediaType: String? {
        headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }
}
