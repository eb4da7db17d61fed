import Hummingbird
import Mustache
import TreeringStore

/// The dashboard's pages, rendered from `Templates/`. The call tree itself is
/// fetched by the page's scripts from the JSON API.
struct PagesController<Context: RequestContext> {
    let database: any ProfileStore
    let templates: MustacheLibrary
    let serverURL: String
    let report: StandaloneReport
    let retentionSeconds: Double
    let diffs: DiffController<Context>
    var lookup: RouteLookup { RouteLookup(database: database) }

    var endpoints: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("/", use: index)
            .get("profiles/:id", use: profile)
            .get("p/:token", use: profile)
            .get("profiles/:id/report.html", use: download)
            .get("p/:token/report.html", use: download)
            .get("apps/:app", use: app)
            .get("q/:token", use: sharedQuery)
            .get("sessions/:id", use: session)
            .get("s/:id", use: session)
            .get("compare") { _, _ in try render(ComparePage(), "compare") }
            .get("compare/report.html") { request, _ in
                try await compareReport(FormQuery.parameters(request), name: "treering-comparison.html")
            }
            .get("c/:token/report.html") { _, context in
                try await compareReport(try await diffs.sharedParameters(context), name: "treering-comparison.html")
            }
            .get("c/:token") { _, context in
                guard let token = context.parameters.get("token"), ShareToken.isWellFormed(token),
                    try await database.sharedComparison(token: token) != nil
                else { throw APIError.notFound("shared comparison") }
                return try render(ComparePage(title: "Shared comparison", shared_token: token), "compare")
            }
    }

    func render(_ context: Any, _ template: String) throws -> RawResponse {
        guard let html = templates.render(context, withTemplate: template) else {
            throw APIError(.internalServerError, code: "template_missing", message: "template \(template) is missing")
        }
        return .html(html)
    }

    @Sendable func index(request: Request, context: Context) async throws -> RawResponse {
        let query = FormQuery.parameters(request)
        let appFilter: String? = query.get("app")
        let apps = try await database.listApps()
        let profiles = try await database.listProfiles(app: appFilter, limit: 100)
        let page = IndexPage(
            apps: apps.map {
                .init(
                    name: $0.name, profiles: $0.profiles, samples: $0.samples,
                    last_seen: Formatting.iso8601($0.lastSeen), url: Links.appPage($0.name))
            },
            profiles: profiles.map { p in
                .init(
                    id: String(p.id), url: Links.profilePage(p.id), app: p.metadata.app, host: p.metadata.host,
                    start: Formatting.iso8601(p.metadata.start), end: Formatting.iso8601(p.metadata.end),
                    duration: Formatting.duration(p.metadata.end - p.metadata.start), samples: p.samples,
                    tags: p.metadata.tags.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: $0.value) })
            },
            empty: apps.isEmpty, server_url: serverURL, app_filter: appFilter)
        return try render(page, "index")
    }

    /// A profile's page by id or by share token. A shared page reads the API
    /// by its token too, so the link never needs the profile's id.
    @Sendable func profile(request: Request, context: Context) async throws -> RawResponse {
        let p = try await lookup.profile(named: context.parameters)
        let (api, page) =
            context.parameters.get("token").map { (Links.sharedProfileAPI($0), Links.sharedProfilePage($0)) }
            ?? (Links.profileAPI(p.id), Links.profilePage(p.id))
        return try render(
            ProfilePage(
                title: p.metadata.app, id: String(p.id), tree_url: "\(api)/tree", meta_url: api,
                share_path: Links.sharedProfilePage(p.shareToken), report_path: "\(page)/report.html"),
            "profile")
    }

    /// The profile as one self-contained HTML file, always as a download: its
    /// inline scripts are meant to run from disk, not under this server's CSP.
    @Sendable func download(request: Request, context: Context) async throws -> RawResponse {
        let (p, tree) = try await lookup.profileTree(named: context.parameters, byThread: false)
        var response = RawResponse.html(try report.render(p, tree: tree))
        response.headers[.contentDisposition] = "attachment; filename=\"treering-profile-\(p.id).html\""
        return response
    }

    /// An app over time: the page reads range, filters and view from its own
    /// URL and asks the query API.
    @Sendable func app(request: Request, context: Context) async throws -> RawResponse {
        let name = try context.parameters.app()
        guard try await database.appExists(name) else { throw APIError.notFound("app \(name)") }
        return try render(
            AppPage(app: name, retentionSeconds: retentionSeconds, shared: nil, capNotice: database.capNotices.latest(app: name)), "app")
    }

    /// A shared query opens the app page on its stored range and filters.
    @Sendable func sharedQuery(request: Request, context: Context) async throws -> RawResponse {
        let shared = try await lookup.sharedQuery(named: context.parameters)
        return try render(
            AppPage(
                app: shared.query.app, retentionSeconds: retentionSeconds, shared: shared,
                capNotice: database.capNotices.latest(app: shared.query.app)), "app")
    }

    /// A session's page by id or share token (`/s/{token}`); either page
    /// reads the API by id, as the session JSON's own links do.
    @Sendable func session(request: Request, context: Context) async throws -> RawResponse {
        let session = try await lookup.session(named: context.parameters)
        let shareToken = request.uri.path.hasPrefix("/s/") ? context.parameters.get("id") : nil
        return try render(SessionPage(session, shareToken: shareToken), "session")
    }

    /// A comparison as one self-contained HTML file, always as a download.
    func compareReport(_ parameters: Parameters, name: String) async throws -> RawResponse {
        let (base, target) = try await diffs.sides(parameters)
        var pairs: [(String, String)] = []
        for (key, value) in parameters where key.hasPrefix("base.") || key.hasPrefix("target.") {
            pairs.append((String(key), String(value)))
        }
        var response = RawResponse.html(
            try report.renderComparison(diffJSON: DiffController<Context>.json(base, target), sides: FormQuery.encode(pairs)))
        response.headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        return response
    }
}
