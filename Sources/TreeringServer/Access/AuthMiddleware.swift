import Foundation
import HTTPTypes
import Hummingbird
import TreeringStore

/// Checks every request's key against `RouteAccess`. With no key in the
/// database the server is open (loopback, or `--open`); as soon as one
/// exists, every request needs one but those `RouteAccess` calls open. A key
/// comes as `Authorization: Bearer KEY` (the agent) or as the password of
/// HTTP basic auth (pyroscope-io's `basic_auth_password`, and browsers,
/// which ask for it when answered 401 with `WWW-Authenticate: Basic`).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = TreeringRequestContext
    let ring: KeyRing
    let sessions: SignInSessions
    let database: any ProfileStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Another site's page may not write here, key or not: browsers say
        // where a request comes from, and a form or fetch across sites needs
        // no preflight.
        if request.method != .get, request.method != .head, request.headers[.secFetchSite] == "cross-site" {
            throw APIError(.forbidden, code: "cross_site", message: "a request from another site's page may not change anything here")
        }
        let access = RouteAccess.of(method: request.method, path: request.uri.path)
        guard case .scope(let needed) = access, !ring.isOpen else { return try await next(request, context) }
        let key: APIKey
        if let secret = Self.secret(request) {
            guard let found = ring.key(secret: secret) else { throw Self.unauthorized("the API key is not known or was revoked") }
            key = found
        } else if let token = request.cookies[SignInSessions.cookie]?.value, let id = try await sessions.keyID(token: token),
            let found = ring.key(id: id)
        {
            // A cookie rides along with any request the browser makes, so a
            // change made with one must come from this server's own pages.
            if request.method != .get, request.method != .head, !Self.isSameOrigin(request) {
                throw APIError(.forbidden, code: "cross_site", message: "a signed-in change must come from this server's own pages")
            }
            key = found
        } else if needed == .read, request.method == .get, try await sharedQueryAllows(request) {
            // A shared query's link is a capability: its app, within its range.
            return try await next(request, context)
        } else if request.wantsPage {
            // A person opening a page: the sign-in page, then back here.
            let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return Response(status: .seeOther, headers: [.location: "/sign-in?next=" + Links.escape(next)])
        } else {
            throw Self.unauthorized(
                "this server needs an API key: send Authorization: Bearer KEY (or the key as a basic auth password), or sign in at /sign-in"
            )
        }
        guard key.has(needed) else {
            throw APIError(
                .forbidden, code: "scope",
                message:
                    "key \(key.id) has the \(key.scope.rawValue) scope; \(request.method) \(request.uri.path.prefix(120)) needs \(needed.rawValue)"
            )
        }
        let app = RouteAccess.app(path: request.uri.path) ?? FormQuery.parameters(request).get("app")
        if let app, !key.allows(app: app) {
            throw APIError(
                .forbidden, code: "app", message: "key \(key.id) is limited to \(key.apps.joined(separator: ", ")), not \(app.prefix(128))")
        }
        var context = context
        context.apiKey = key
        return try await next(request, context)
    }

    /// A query, timeline or labels read of one app, within the range of the
    /// shared query whose token it carries as `share=`. Nothing else: the
    /// profile and session lists hand out share links of their own.
    func sharedQueryAllows(_ request: Request) async throws -> Bool {
        let path = request.uri.path
        let parts = path.split(separator: "/")
        let readsTheQuery =
            path == "/api/v1/query" || path == "/api/v1/query/folded"
            || (parts.count == 5 && parts[2] == "apps" && (parts[4] == "timeline" || parts[4] == "labels"))
        guard readsTheQuery else { return false }
        let query = FormQuery.parameters(request)
        guard let token = query.get("share"), ShareToken.isWellFormed(token),
            let app = RouteAccess.app(path: request.uri.path) ?? query.get("app"),
            let shared = try await database.sharedQuery(token: token), shared.query.app == app
        else { return false }
        // The page asks for the shared range itself; a minute either way is rounding.
        if let from = query.get("from").flatMap(Double.init), from < shared.query.from - 60 { return false }
        if let until = query.get("until").flatMap(Double.init), until > shared.query.until + 60 { return false }
        return true
    }

    /// The browser says the request comes from this origin.
    static func isSameOrigin(_ request: Request) -> Bool {
        if let site = request.headers[.secFetchSite] { return site == "same-origin" }
        guard let origin = request.headers[.origin], let host = request.head.authority else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    /// The key in `Authorization`, as a bearer token or a basic auth password.
    static func secret(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        switch parts[0].lowercased() {
        case "bearer": return String(parts[1]).trimmingCharacters(in: .whitespaces)
        case "basic":
            guard let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
                let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
            else { return nil }
            return String(text[text.index(after: colon)...])
        default: return nil
        }
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(
            .unauthorized, code: "unauthorized", message: message,
            headers: [.wwwAuthenticate: #"Basic realm="Treering", charset="UTF-8""#])
    }
}

extension HTTPField.Name {
    static let secFetchSite = Self("Sec-Fetch-Site")!
}
