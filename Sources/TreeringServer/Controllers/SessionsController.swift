import Foundation
import Hummingbird
import TreeringCore
import TreeringStore

/// Targeted sessions: "profile the next N requests of transaction T".
/// The dashboard starts, lists and stops them; agents poll the active ones
/// and send each recorded request, which the store counts exactly.
struct SessionsController<Context: KeyedRequestContext> {
    let database: any ProfileStore
    let limits: IngestLimits
    let sessionLimits: SessionLimits
    var lookup: RouteLookup { RouteLookup(database: database) }

    var endpoints: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .post("apps/:app/sessions", use: create)
            .get("apps/:app/sessions", use: list)
            .get("apps/:app/sessions/active", use: active)
            .get("sessions/:id", use: detail)
            .get("sessions/:id/tree", use: tree)
            .get("sessions/:id/folded", use: folded)
            .get("sessions/:id/callers") { request, context in
                try FunctionViewResponse.of(try await mergedTree(context), .callers, request)
            }
            .get("sessions/:id/callees") { request, context in
                try FunctionViewResponse.of(try await mergedTree(context), .callees, request)
            }
            .get("sessions/:id/requests/:request/tree", use: requestTree)
            .get("sessions/:id/requests/:request/callers") { request, context in
                try FunctionViewResponse.of(try await oneRequestTree(context), .callers, request)
            }
            .get("sessions/:id/requests/:request/callees") { request, context in
                try FunctionViewResponse.of(try await oneRequestTree(context), .callees, request)
            }
            .post("sessions/:id/stop", use: stop)
            .post("sessions/:id/requests", use: addRequest)
    }

    @Sendable func create(request: Request, context: Context) async throws -> EditedResponse<SessionJSON> {
        let app = try context.parameters.app()
        try AppName.validate(app, path: "app")
        let body = try await BodyReader(limits: limits).read(request)
        let spec =
            request.mediaType == "application/x-www-form-urlencoded"
            ? try SessionSpecParser(limits: sessionLimits, maxTransactionBytes: limits.profile.maxStringBytes)
                .parse(form: FormQuery.pairs(String(decoding: body, as: UTF8.self)))
            : try SessionSpecBody.spec(body, limits: sessionLimits, maxTransactionBytes: limits.profile.maxStringBytes)
        let session = try await database.createSession(app: app, spec: spec)
        context.logger.info("session started", metadata: ["id": "\(session.id)", "app": "\(app)"])
        return EditedResponse(status: .created, headers: [.location: Links.sessionAPI(session.id)], response: SessionJSON(session: session))
    }

    struct ListPage: ResponseEncodable {
        var sessions: [SessionJSON]
    }

    @Sendable func list(request: Request, context: Context) async throws -> ListPage {
        let sessions = try await database.listSessions(
            app: try context.parameters.app(), limit: try FormQuery.parameters(request).limit(default: 100))
        return ListPage(sessions: sessions.map { SessionJSON(session: $0) })
    }

    struct ActivePage: ResponseEncodable {
        var sessions: [ActiveSessionJSON]
        /// How often agents should poll, in seconds (`poll_s`).
        var pollS: Double
    }

    /// What agents poll: served from memory, no database read.
    @Sendable func active(request: Request, context: Context) async throws -> ActivePage {
        let sessions = await database.activeSessions.active(app: try context.parameters.app(), now: Date().timeIntervalSince1970)
        return ActivePage(sessions: sessions.map(ActiveSessionJSON.init), pollS: sessionLimits.pollSeconds)
    }

    @Sendable func detail(request: Request, context: Context) async throws -> SessionJSON {
        let session = try await lookup.session(named: context.parameters)
        let requests = try await database.sessionRequests(session: session.id)
        // Asked by share token: the links keep the token (no key needed to follow them).
        let ref = context.parameters.get("id") ?? String(session.id)
        return SessionJSON(session: session, requestsList: requests.map { SessionRequestJSON($0, session: ref) }, ref: ref)
    }

    @Sendable func tree(request: Request, context: Context) async throws -> RawResponse {
        .json(try await mergedTree(context).json())
    }

    @Sendable func folded(request: Request, context: Context) async throws -> RawResponse {
        .text(try await mergedTree(context).folded)
    }

    func mergedTree(_ context: Context) async throws -> LoadedTree {
        let session = try await lookup.session(named: context.parameters)
        guard var tree = try await database.sessionTree(id: session.id) else { throw APIError.notFound("session \(session.id)") }
        tree.myPackages = try await database.myPackages(app: session.app) ?? []
        return tree
    }

    @Sendable func requestTree(request: Request, context: Context) async throws -> RawResponse {
        .json(try await oneRequestTree(context).json())
    }

    /// The tree of the request the route names.
    func oneRequestTree(_ context: Context) async throws -> LoadedTree {
        let session = try await lookup.session(named: context.parameters)
        let name = context.parameters.decoded("request") ?? ""
        guard var tree = try await database.sessionRequestTree(id: session.id, request: name) else {
            throw APIError.notFound("request \(name.prefix(64)) of session \(session.id)")
        }
        tree.myPackages = try await database.myPackages(app: session.app) ?? []
        return tree
    }

    @Sendable func stop(request: Request, context: Context) async throws -> SessionJSON {
        let session = try await lookup.session(named: context.parameters)
        guard let stopped = try await database.stopSession(id: session.id) else { throw APIError.notFound("session \(session.id)") }
        context.logger.info("session stopped", metadata: ["id": "\(session.id)", "state": "\(stopped.state.rawValue)"])
        return SessionJSON(session: stopped)
    }

    struct RequestAnswer: ResponseEncodable {
        var session: Int64
        var count: Int
        var requests: Int
        var state: String
    }

    /// One recorded request: a treering/1 document (same parser, limits and
    /// gzip as ingest) whose tags name the request, its wall time and the
    /// session's transaction.
    @Sendable func addRequest(request: Request, context: Context) async throws -> EditedResponse<RequestAnswer> {
        let session = try await lookup.session(named: context.parameters)
        try context.checkKey(allows: session.app)
        let profile = try await BodyReader(limits: limits).profile(
            request, parser: TreeringJSONParser(limits: limits.profile), logger: context.logger)
        let tags: SessionRequestTags
        do throws(InputError) {
            guard profile.metadata.app == session.app else {
                throw InputError(
                    .invalidField, "app: must be the session's app \"\(session.app)\" (got \"\(profile.metadata.app.prefix(128))\")")
            }
            tags = try SessionRequestTags(tags: profile.metadata.tags, transaction: session.transaction, limits: sessionLimits)
        } catch {
            context.logger.info("refused session request", metadata: ["session": "\(session.id)", "error": "\(error.message)"])
            throw error
        }
        switch try await database.addSessionRequest(session: session.id, tags: tags, profile: profile) {
        case .counted(let s), .duplicate(let s):
            return EditedResponse(
                status: .created,
                response: RequestAnswer(session: s.id, count: s.count, requests: s.requestsWanted, state: s.state.rawValue))
        case .closed(let s):
            throw APIError(
                .conflict, code: "session_closed",
                message: "session \(s.id) is \(s.state.rawValue) (\(s.count) of \(s.requestsWanted) requests): nothing was stored")
        case .unknownSession:
            throw APIError.notFound("session \(session.id)")
        }
    }
}
