import Foundation
import Hummingbird
import TreeringStore

/// The request context of every route: answers are encoded with the
/// project's JSON encoder, so handlers return `Codable` values and their
/// property names become snake_case keys without hand-written `CodingKeys`.
public struct TreeringRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The key the request came with, once `AuthMiddleware` checked it; nil
    /// while the server is open or for routes anyone may use.
    public var apiKey: APIKey?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    public var responseEncoder: JSONEncoder { .treering }
}

/// A context that knows the request's API key, for the controllers that
/// check the app an upload names against the key's apps once it is parsed.
public protocol KeyedRequestContext: RequestContext {
    var apiKey: APIKey? { get }
}

extension TreeringRequestContext: KeyedRequestContext {}

extension KeyedRequestContext {
    /// Throws 403 unless the request's key (if any) may act on `app`.
    func checkKey(allows app: String) throws {
        guard let key = apiKey, !key.allows(app: app) else { return }
        throw APIError(
            .forbidden, code: "app", message: "key \(key.id) is limited to \(key.apps.joined(separator: ", ")), not \(app.prefix(128))")
    }
}
