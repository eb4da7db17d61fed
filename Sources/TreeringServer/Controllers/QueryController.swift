import Foundation
import Hummingbird
import TreeringCore
import TreeringStore

/// An app over time: its apps list, the labels seen, the merged tree of a
/// range and filters (as tree JSON or folded text), and the timeline.
struct QueryController<Context: RequestContext> {
    let database: AppDatabase
    let retentionSeconds: Double

    var endpoints: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("apps", use: apps)
            .get("apps/:app/labels", use: labels)
            .get("apps/:app/timeline", use: timeline)
            .get("query", use: tree)
            .get("query/folded", use: folded)
            .post("query/share", use: share)
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

        enum CodingKeys: String, CodingKey {
            case name, profiles, samples, hosts, url
            case firstSeen = "first_seen"
            case lastSeen = "last_seen"
        }
    }

    struct AppsPage: Encodable {
        var apps: [AppJSON]
    }

    @Sendable func apps(request: Request, context: Context) async throws -> RawResponse {
        let apps = try await database.listApps()
        return try .encoding(
            AppsPage(apps: apps.map {
                AppJSON(
                    name: $0.name, profiles: $0.profiles, samples: $0.samples, firstSeen: $0.firstSeen,
                    lastSeen: $0.lastSeen, hosts: $0.hosts,
                    url: AppQueryParameters.pagePath(app: $0.name))
            }))
    }

    struct LabelsPage: Encodable {
        var app: String
        var from: Double
        var until: Double
        var labels: [String: [String]]
    }

    @Sendable func labels(request: Request, context: Context) async throws -> RawResponse {
        let query = try AppQueryParameters.parse(FormQuery.parameters(request), app: try context.parameters.app())
        guard let labels = try await database.labels(app: query.app, from: query.from, until: query.until) else {
            throw APIError.notFound("app \(query.app)")
        }
        return try .encoding(LabelsPage(app: query.app, from: query.from, until: query.until, labels: labels))
    }

    struct TimelinePage: Encodable {
        var app: String
        var from: Double
        var until: Double
        var step: Int64
        /// `[step start, samples]` pairs, one per step, oldest first.
        var points: [[Int64]]
    }

    @Sendable func timeline(request: Request, context: Context) async throws -> RawResponse {
        let parameters = FormQuery.parameters(request)
        let query = try AppQueryParameters.parse(parameters, app: try context.parameters.app())
        let step = try AppQueryParameters.step(parameters, range: query.until - query.from)
        guard let points = try await database.timeline(query, step: step) else { throw APIError.notFound("app \(query.app)") }
        return try .encoding(
            TimelinePage(app: query.app, from: query.from, until: query.until, step: step, points: points.map { [$0.start, $0.samples] }))
    }

    @Sendable func tree(request: Request, context: Context) async throws -> RawResponse {
        .json(try await merged(request).json())
    }

    @Sendable func folded(request: Request, context: Context) async throws -> RawResponse {
        .text(try await merged(request).folded)
    }

    func merged(_ request: Request) async throws -> LoadedTree {
        let query = try appQuery(request)
        guard let tree = try await database.queryTree(query) else { throw APIError.notFound("app \(query.app)") }
        return tree
    }

    /// The query's range made absolute and kept under a token: the link
    /// answers for the same range and filters later.
    @Sendable func share(request: Request, context: Context) async throws -> RawResponse {
        let query = try appQuery(request)
        guard let shared = try await database.share(query) else { throw APIError.notFound("app \(query.app)") }
        return try .encoding(SharedQueryJSON(shared, retentionCutoff: retentionCutoff), status: .created)
    }

    @Sendable func shared(request: Request, context: Context) async throws -> RawResponse {
        try .encoding(SharedQueryJSON(try await database.sharedQuery(named: context.parameters), retentionCutoff: retentionCutoff))
    }

    var retentionCutoff: Double { (Date().timeIntervalSince1970 - retentionSeconds).rounded(.down) }

    func appQuery(_ request: Request) throws -> AppQuery {
        let parameters = FormQuery.parameters(request)
        guard let app = parameters.get("app") else {
            throw APIError(.badRequest, code: InputError.Code.missingField.rawValue, message: "app: required query parameter (e.g. ?app=shop-web)")
        }
        return try AppQueryParameters.parse(parameters, app: app)
    }
}
