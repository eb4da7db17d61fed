import Foundation
import Hummingbird
import TreeringCore
import TreeringStore

/// `POST /api/v1/ingest`: checks an upload, stores it, and answers 201 only
/// after the transaction has committed, with the app's running sessions.
struct IngestController<Context: RequestContext> {
    let database: AppDatabase
    let limits: IngestLimits

    var endpoints: RouteCollection<Context> {
        RouteCollection(context: Context.self).post("ingest", use: ingest)
    }

    struct Answer: Encodable {
        var id: String
        var url: String
        var shareURL: String
        var samples: Int64
        /// The app's running sessions: agents learn of a new one with their next upload.
        var sessions: [ActiveSessionJSON]

        enum CodingKeys: String, CodingKey {
            case id, url, samples, sessions
            case shareURL = "share_url"
        }
    }

    @Sendable func ingest(request: Request, context: Context) async throws -> RawResponse {
        let profile = try await BodyReader(limits: limits).profile(request, parser: try parser(for: request), logger: context.logger)
        let saved = try await database.saveProfile(profile)
        context.logger.debug("stored profile", metadata: ["id": "\(saved.id)", "app": "\(profile.metadata.app)"])
        var answer = try RawResponse.encoding(
            Answer(
                id: String(saved.id), url: "/profiles/\(saved.id)", shareURL: "/p/\(saved.shareToken)",
                samples: saved.samples,
                sessions: await database.activeSessions.active(app: profile.metadata.app, now: Date().timeIntervalSince1970)
                    .map(ActiveSessionJSON.init)),
            status: .created)
        answer.headers[.location] = "/api/v1/profiles/\(saved.id)"
        return answer
    }

    /// The parser for the request's format, chosen by `?format=` or
    /// Content-Type; formats without their own metadata take it from the query.
    func parser(for request: Request) throws -> any ProfileParser {
        let query = request.uri.queryParameters
        let contentType = request.mediaType
        let format: UploadFormat
        if let name = query.get("format") {
            guard let known = UploadFormat(name: name) else {
                throw APIError(.unsupportedMediaType, code: "unsupported_format",
                               message: "format: \"\(name.prefix(40))\" is not a known upload format (known: \(UploadFormat.known))")
            }
            format = known
        } else {
            switch contentType {
            case nil, "application/json": format = .treering
            case "text/plain": format = .folded
            case let t?:
                throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                               message: "Content-Type: \"\(t.prefix(60))\" is not supported (use application/json, or text/plain for folded stacks, or ?format=)")
            }
        }
        let metadata = format.carriesMetadata
            ? ProfileMetadata(app: "", start: 0, end: 0, intervalMs: 10)
            : try UploadQuery.metadata(query, limits: limits.profile)
        return format.parser(metadata: metadata, limits: limits.profile)
    }
}
