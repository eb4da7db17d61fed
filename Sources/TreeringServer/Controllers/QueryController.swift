import Foundation
import Hummingbird
import TreeringCore
import TreeringStore

/// An app over time: its apps list, the labels seen, the merged tree of a
/// range and filters (as tree JSON or folded text), and the timeline.
struct QueryController<Context: RequestContext> {
    let database: any ProfileStore
    let retentionSeconds: Double
    let maxRangeSeconds: Double
    let maxTimelinePoints: Int
    var lookup: RouteLookup { RouteLookup(database: database) }

    var endpoints: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("apps", use: apps)
            .get("apps/:app/labels", use: labels)
            .get("apps/:app/timeline", use: timeline)
            .get("query", use: tree)
            .get("query/folded", use: folded)
            .get("query/callers") { request, _ in try await functionView(.callers, request) }
            .get("query/callees") { request, _ in try await functionView(.callees, request) }
            .post("query/share", use: share)
            .post("shares/:token/revoke", use: revokeShare)
            .get("q/:token", use: shared)
    }

    struct AppJSON: Encodable {
        var name: String
        var profiles: Int
        var samples: Int64
        var firstSeen: Double
        var lastSeen: Double
        var hosts: [String]
        var url: String
        /// The last cap the app's uploads ran into since the server started.
        var limitReached: LimitNoticeJSON?
    }

    struct LimitNoticeJSON: Encodable {
        var limit: String
        var message: String
        var at: Double
        var count: Int
    }

    struct AppsPage: ResponseEncodable {
        var apps: [AppJSON]
    }

    @Sendable func apps(request: Request, context: Context) async throws -> AppsPage {
        let apps = try await database.listApps()
        return AppsPage(
            apps: apps.map {
                AppJSON(
                    name: $0.name, profiles: $0.profiles, samples: $0.samples, firstSeen: $0.firstSeen,
                    lastSeen: $0.lastSeen, hosts: $0.hosts, url: Links.appPage($0.name),
                    limitReached: database.capNotices.latest(app: $0.name).map {
                        LimitNoticeJSON(limit: $0.limit, message: $0.message, at: $0.at, count: $0.count)
                    })
            })
    }

    struct LabelsPage: ResponseEncodable {
        var app: String
        var from: Double
        var until: Double
        var labels: [String: [String]]
    }

    @Sendable func labels(request: Request, context: Context) async throws -> LabelsPage {
        let query = try await parse(FormQuery.parameters(request), app: try context.parameters.app())
        guard let labels = try await database.labels(app: query.app, from: query.from, until: query.until) else {
            throw APIError.notFound("app \(query.app)")
        }
        return LabelsPage(app: query.app, from: query.from, until: query.until, labels: labels)
    }

    struct TimelinePage: ResponseEncodable {
        var app: String
        var from: Double
        var until: Double
        var step: Int64
        /// `[step start, samples]` pairs, one per step, oldest first.
        var points: [[Int64]]
    }

    @Sendable func timeline(request: Request, context: Context) async throws -> TimelinePage {
        let parameters = FormQuery.parameters(request)
        let query = try await parse(parameters, app: try context.parameters.app())
        let step = try AppQueryParameters.step(parameters, range: query.until - query.from, maxPoints: maxTimelinePoints)
        guard let points = try await database.timeline(query, step: step) else { throw APIError.notFound("app \(query.app)") }
        return TimelinePage(
            app: query.app, from: query.from, until: query.until, step: step, points: points.map { [$0.start, $0.samples] })
    }

    @Sendable func tree(request: Request, context: Context) async throws -> RawResponse {
        .json(try await merged(request).json())
    }

    @Sendable func folded(request: Request, context: Context) async throws -> RawResponse {
        .text(try await merged(request).folded)
    }

    /// A callers/callees route: its function, read apart from the label filters.
    func functionView(_ direction: LoadedTree.Direction, _ request: Request) async throws -> RawResponse {
        let tree = try await merged(FunctionQuery.without(FormQuery.parameters(request)))
        return try FunctionViewResponse.of(tree, direction, request)
    }

    func merged(_ request: Request) async throws -> LoadedTree {
        try await merged(FormQuery.parameters(request))
    }

    func merged(_ parameters: Parameters) async throws -> LoadedTree {
        let query = try await appQuery(parameters)
        guard var tree = try await database.queryTree(query) else { throw APIError.notFound("app \(query.app)") }
        tree.myPackages = try await database.myPackages(app: query.app) ?? []
        return tree
    }

    /// The query's range made absolute and kept under a token: the link
    /// answers for the same range and filters later.
    @Sendable func share(request: Request, context: Context) async throws -> EditedResponse<SharedQueryJSON> {
        let query = try await appQuery(request)
        let expiresAt = try ShareExpiry.parse(FormQuery.parameters(request))
        guard let shared = try await database.share(query, expiresAt: expiresAt) else { throw APIError.notFound("app \(query.app)") }
        return EditedResponse(status: .created, response: SharedQueryJSON(shared, retentionCutoff: retentionCutoff))
    }

    struct Revoked: ResponseEncodable {
        /// What the token was a link to: query, profile or session.
        var revoked: String
    }

    /// Ends a share link (admin): the page's "Revoke link", as `treering shares revoke`.
    @Sendable func revokeShare(request: Request, context: Context) async throws -> Revoked {
        guard let token = context.parameters.get("token"), ShareToken.isWellFormed(token),
            let revoked = try await database.revokeShare(token: token)
        else { throw APIError.notFound("share link") }
        context.logger.info("share link revoked", metadata: ["kind": "\(revoked.rawValue)"])
        return Revoked(revoked: revoked.rawValue)
    }

    @Sendable func shared(request: Request, context: Context) async throws -> SharedQueryJSON {
        SharedQueryJSON(try await lookup.sharedQuery(named: context.parameters), retentionCutoff: retentionCutoff)
    }

    var retentionCutoff: Double { (Date().timeIntervalSince1970 - retentionSeconds).rounded(.down) }

    func appQuery(_ request: Request) async throws -> AppQuery {
        try await appQuery(FormQuery.parameters(request))
    }

    func appQuery(_ parameters: Parameters) async throws -> AppQuery {
        guard let app = parameters.get("app") else {
            throw InputError(.missingField, "app: required query parameter (e.g. ?app=shop-web)")
        }
        return try await parse(parameters, app: app)
    }

    /// The query's range and filters; a parameter that is neither a known
    /// one nor a label of the app (`range=3h`, a misspelt label) is a 400
    /// listing the app's labels, not a filter that silently matches nothing.
    func parse(_ parameters: Parameters, app: String) async throws -> AppQuery {
        let query = try AppQueryParameters.parse(
            parameters, app: app, maxRangeSeconds: maxRangeSeconds, retentionSeconds: retentionSeconds)
        guard !query.filter.isEmpty, let names = try await database.labelNames(app: app) else { return query }
        if let unknown = query.filter.labelNames.sorted().first(where: { !names.contains($0) }) {
            let known = AppQueryParameters.reserved.sorted().joined(separator: ", ")
            throw InputError.invalid(
                String(unknown.prefix(64)),
                "not a query parameter (\(known)) nor a label of app \(app) (its labels: \(names.sorted().joined(separator: ", ")))")
        }
        return query
    }
}
