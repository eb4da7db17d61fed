import Foundation
import TreeringStore

/// Every URL the server hands out, for pages and API resources, built in
/// one place so that routes and links cannot drift apart.
enum Links {
    static let api = "/api/v1"

    static func profilePage(_ id: Int64) -> String { "/profiles/\(id)" }
    static func sharedProfilePage(_ token: String) -> String { "/p/\(token)" }
    static func profileAPI(_ id: Int64) -> String { "\(api)/profiles/\(id)" }
    static func sharedProfileAPI(_ token: String) -> String { "\(api)/p/\(token)" }

    static func appPage(_ app: String) -> String { "/apps/" + escape(app) }
    static func uploadsPage(app: String) -> String { "/?app=" + escape(app) }
    static func sharedQueryPage(_ token: String) -> String { "/q/\(token)" }
    /// The query API asked for `query` again: app, absolute range and every filter value.
    static func queryAPI(_ query: AppQuery) -> String { "\(api)/query?" + AppQueryParameters.queryString(query) }

    static func sessionPage(_ id: Int64) -> String { "/sessions/\(id)" }
    static func sharedSessionPage(_ token: String) -> String { "/s/\(token)" }
    /// A session's API by its id, or by its share token (`ref`), which
    /// needs no key: a shared session page reads the API that way.
    static func sessionAPI(_ ref: some CustomStringConvertible) -> String { "\(api)/sessions/\(ref)" }
    static func sessionTreeAPI(_ ref: some CustomStringConvertible) -> String { "\(api)/sessions/\(ref)/tree" }
    static func sessionRequestTreeAPI(_ ref: some CustomStringConvertible, request: String) -> String {
        "\(api)/sessions/\(ref)/requests/\(escape(request))/tree"
    }

    /// A path segment or query value: everything but unreserved characters escaped.
    static func escape(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
