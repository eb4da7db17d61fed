import Foundation
import Hummingbird
import TreeringCore
import TreeringStore

/// `POST /api/v1/ingest`: checks an upload, stores it, and answers 201 only
/// after the transaction has committed, with the app's running sessions.
struct IngestController<Context: KeyedRequestContext> {
    let database: any ProfileStore
    let limits: IngestLimits
    let window: IngestWindow

    var endpoints: RouteCollection<Context> {
        RouteCollection(context: Context.self).post("ingest", use: ingest)
    }

    struct Answer: ResponseEncodable {
        var id: String
        var url: String
        var shareURL: String
        var samples: Int64
        /// The app's running sessions: agents learn of a new one with their next upload.
        var sessions: [ActiveSessionJSON]
    }

    @Sendable func ingest(request: Request, context: Context) async throws -> EditedResponse<Answer> {
        let profile = try await BodyReader(limits: limits).profile(request, parser: try parser(for: request), logger: context.logger)
        try window.check(profile.metadata)
        try context.checkKey(allows: profile.metadata.app)
        let saved = try await database.saveProfile(profile)
        context.logger.debug("stored profile", metadata: ["id": "\(saved.id)", "app": "\(profile.metadata.app)"])
        let answer = Answer(
            id: String(saved.id), url: Links.profilePage(saved.id), shareURL: Links.sharedProfilePage(saved.shareToken),
            samples: saved.samples,
            sessions: await database.activeSessions.active(app: profile.metadata.app, now: Date().timeIntervalSince1970)
                .map(ActiveSessionJSON.init))
        return EditedResponse(status: .created, headers: [.location: Links.profileAPI(saved.id)], response: answer)
    }

    /// The parser for the request's format, chosen by `?format=` or
    /// Content-Type; formats without their own metadata take it from the query.
    func parser(for request: Request) throws -> any ProfileParser {
        let query = FormQuery.parameters(request)
        let contentType = request.mediaType
        let format: UploadFormat
        if let name = query.get("format") {
            guard let known = UploadFormat(name: name) else {
                throw APIError(
                    .unsupportedMediaType, code: "unsupported_format",
                    message: "format: \"\(name.prefix(40))\" is not a known upload format (known: \(UploadFormat.known))")
            }
            format = known
        } else {
            switch contentType {
            case nil, "application/json": format = .treering
            case "text/plain": format = .folded
            case let t?:
                throw APIError(
                    .unsupportedMediaType, code: "unsupported_media_type",
                    message:
                        "Content-Type: \"\(t.prefix(60))\" is not supported (use application/json, or text/plain for folded stacks, or ?format=)"
                )
            }
        }
        let metadata =
            format.carriesMetadata
            ? ProfileMetadata(app: "", start: 0, end: 0, intervalMs: 10)
            : try UploadQuery.metadata(query, limits: limits.profile)
        return format.parser(metadata: metadata, limits: limits.profile)
    }
}
