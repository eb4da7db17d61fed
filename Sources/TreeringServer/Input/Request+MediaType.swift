import Hummingbird

extension Request {
    /// The Content-Type without its parameters, lowercased: `text/plain` for
    /// `Text/Plain; charset=utf-8`; nil when there is none.
    var mediaType: String? {
        headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }
}

extension Request {
    /// A browser opening a page, not a script calling the API: it gets an
    /// HTML error page, or the sign-in page, where the API gets JSON.
    var wantsPage: Bool {
        method == .get && !uri.path.hasPrefix("/api/") && (headers[.accept]?.contains("text/html") ?? false)
    }
}
