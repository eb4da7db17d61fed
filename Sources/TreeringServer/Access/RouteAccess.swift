import Foundation
import Hummingbird
import TreeringStore

/// What a request needs, by method and path: the one table of access rules.
/// A route missing from it needs `read` (the tests list every route).
enum RouteAccess: Equatable, Sendable {
    /// No key: health checks, the dashboard's code, profile share links.
    case open
    /// A key of at least this scope.
    case scope(KeyScope)

    static func of(method: HTTPRequest.Method, path: String) -> RouteAccess {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        switch (method, parts.first ?? "") {
        case (.get, "healthz"), (.get, "css"), (.get, "js"), (.get, "vendor"): return .open
        case (.get, "sign-in"), (.post, "sign-in"), (.post, "sign-out"): return .open
        // A profile's share token is a capability: its page and its API.
        case (.get, "p"): return .open
        default: break
        }
        if method == .get, parts.count >= 3, parts[0] == "api", parts[1] == "v1", parts[2] == "p" { return .open }
        // A session's share link: its page, and its API read by the token (never by id).
        if method == .get, parts.count == 2, parts[0] == "s" { return .open }
        if method == .get, parts.count == 2, parts[0] == "q" { return .open }
        // A shared comparison: its page, and the diff API of its stored sides.
        if method == .get, parts.count == 2 || (parts.count == 3 && parts[2] == "report.html"), parts[0] == "c" { return .open }
        if method == .get, parts.count >= 4, parts[0] == "api", parts[2] == "c" { return .open }
        if method == .get, parts.count == 4, parts[0] == "api", parts[2] == "q" { return .open }
        if method == .get, parts.count >= 4, parts[0] == "api", parts[2] == "sessions", isShareToken(parts[3]) { return .open }
        switch method {
        case .post:
            switch path {
            case "/api/v1/ingest", "/ingest", "/push.v1.PusherService/Push": return .scope(.ingest)
            case "/api/v1/query/share": return .scope(.admin)
            default: break
            }
            if parts.count == 5, parts[0] == "api", parts[2] == "sessions", parts[4] == "requests" { return .scope(.ingest) }
            if parts.count == 5, parts[0] == "api", parts[2] == "sessions", parts[4] == "stop" { return .scope(.admin) }
            if parts.count == 5, parts[0] == "api", parts[2] == "apps", parts[4] == "sessions" { return .scope(.admin) }
            return .scope(.admin)
        case .get:
            if parts.count >= 3, parts[0] == "api", parts[2] == "keys" { return .scope(.admin) }
            if parts.count == 6, parts[0] == "api", parts[2] == "apps", parts[4] == "sessions", parts[5] == "active" {
                return .scope(.ingest)
            }
            return .scope(.read)
        default:
            return .scope(.admin)
        }
    }

    /// A share token, not a numeric id: tokens are 32 characters of base64url.
    static func isShareToken(_ part: Substring) -> Bool {
        Int64(part) == nil && ShareToken.isWellFormed(String(part))
    }

    /// The app a route names in its path (`/api/v1/apps/{app}/...`, `/apps/{app}`), percent-decoded.
    static func app(path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        if parts.count >= 4, parts[0] == "api", parts[2] == "apps" { return String(parts[3]).removingPercentEncoding }
        if parts.count == 2, parts[0] == "apps" { return String(parts[1]).removingPercentEncoding }
        return nil
    }
}
