import Hummingbird
import TreeringCore
import TreeringStore

/// The profiles API: list, metadata, call tree (compact JSON) and folded stacks,
/// by id or by share token.
struct ProfilesController<Context: RequestContext> {
    let database: any ProfileStore
    var lookup: RouteLookup { RouteLookup(database: database) }

    var endpoints: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("profiles", use: list)
            .get("profiles/:id", use: metadata)
            .get("profiles/:id/tree", use: tree)
            .get("profiles/:id/folded", use: folded)
            .get("profiles/:id/callers", use: callers)
            .get("profiles/:id/callees", use: callees)
            .get("profiles/:id/speedscope.json", use: speedscope)
            .get("p/:token", use: metadata)
            .get("p/:token/tree", use: tree)
            .get("p/:token/folded", use: folded)
            .get("p/:token/speedscope.json", use: speedscope)
            .get("p/:token/callers", use: callers)
            .get("p/:token/callees", use: callees)
    }

    @Sendable func callers(request: Request, context: Context) async throws -> RawResponse {
        try FunctionViewResponse.of(try await loadTree(request, context).1, .callers, request)
    }

    @Sendable func callees(request: Request, context: Context) async throws -> RawResponse {
        try FunctionViewResponse.of(try await loadTree(request, context).1, .callees, request)
    }

    struct Page: ResponseEncodable {
        var profiles: [ProfileJSON]
        /// Pass as `before` for the next page; absent on the last page.
        var nextBefore: String?
    }

    @Sendable func list(request: Request, context: Context) async throws -> Page {
        let query = FormQuery.parameters(request)
        let limit = try query.limit(default: 50)
        let before = try query.get("before").map { text -> Int64 in
            guard let n = Int64(text) else {
                throw APIError(.badRequest, code: "invalid_parameter", message: "before: must be a profile id")
            }
            return n
        }
        let profiles = try await database.listProfiles(app: query.get("app"), limit: limit, before: before)
        return Page(
            profiles: profiles.map(ProfileJSON.init),
            nextBefore: profiles.count == limit ? profiles.last.map { String($0.id) } : nil)
    }

    @Sendable func metadata(request: Request, context: Context) async throws -> ProfileJSON {
        ProfileJSON(try await lookup.profile(named: context.parameters))
    }

    @Sendable func tree(request: Request, context: Context) async throws -> RawResponse {
        let (p, loaded) = try await loadTree(request, context)
        return .json(loaded.json(id: String(p.id)))
    }

    @Sendable func folded(request: Request, context: Context) async throws -> RawResponse {
        .text(try await loadTree(request, context).1.folded)
    }

    @Sendable func speedscope(request: Request, context: Context) async throws -> RawResponse {
        let (p, loaded) = try await loadTree(request, context)
        var response = RawResponse.json(loaded.speedscope(name: "\(p.metadata.app) profile \(p.id)"))
        response.headers[.contentDisposition] = "attachment; filename=\"treering-\(p.id).speedscope.json\""
        return response
    }

    /// The route's profile and its call tree, merged as `?by=` asks.
    func loadTree(_ request: Request, _ context: Context) async throws -> (ProfileSummary, LoadedTree) {
        try await lookup.profileTree(named: context.parameters, byThread: byThread(request))
    }

    func byThread(_ request: Request) throws -> Bool {
        switch FormQuery.parameters(request).get("by") {
        case nil, "": return false
        case "thread": return true
        case let other?:
            throw APIError(.badRequest, code: "invalid_parameter", message: "by: \"\(other)\" is not supported (use by=thread)")
        }
    }
}
