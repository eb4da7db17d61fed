import Foundation
import Hummingbird
import TreeringCore
import TreeringStore

/// API keys from the API, for admins: the same as `treering keys`.
struct KeysController<Context: RequestContext> {
    let database: any ProfileStore
    let ring: KeyRing

    var endpoints: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("keys", use: list)
            .post("keys", use: create)
            .post("keys/:id/revoke", use: revoke)
    }

    struct KeyJSON: ResponseEncodable {
        var id: Int64
        var name: String?
        var scope: String
        var apps: [String]
        var createdAt: Double
        var lastUsedAt: Double?
        var revokedAt: Double?
        /// Only in the answer that created the key: shown once, never stored.
        var secret: String?

        init(_ key: APIKey, secret: String? = nil) {
            id = key.id
            name = key.name
            scope = key.scope.rawValue
            apps = key.apps
            createdAt = key.createdAt
            lastUsedAt = key.lastUsedAt
            revokedAt = key.revokedAt
            self.secret = secret
        }
    }

    struct KeysPage: ResponseEncodable {
        var keys: [KeyJSON]
    }

    @Sendable func list(request: Request, context: Context) async throws -> KeysPage {
        KeysPage(keys: try await database.listKeys().map { KeyJSON($0) })
    }

    struct NewKey: Decodable {
        var scope: String
        var apps: [String]?
        var name: String?
    }

    @Sendable func create(request: Request, context: Context) async throws -> EditedResponse<KeyJSON> {
        var limits = IngestLimits()
        limits.maxBodyBytes = 64 * 1024
        let body = try await BodyReader(limits: limits).read(request)
        let spec: NewKey
        do { spec = try JSONDecoder().decode(NewKey.self, from: Data(body)) } catch {
            throw InputError(.malformedJSON, "body: expected {\"scope\": \"ingest|read|admin\", \"apps\": [...], \"name\": \"...\"}")
        }
        guard let scope = KeyScope(rawValue: spec.scope) else {
            throw InputError.invalid("scope", "must be ingest, read or admin (got \"\(spec.scope.prefix(40))\")")
        }
        for (i, app) in (spec.apps ?? []).enumerated() { try AppName.validate(app, path: "apps[\(i)]") }
        if let name = spec.name { try NameText.check(name, "name") }
        let (key, secret) = try await database.createKey(scope: scope, apps: spec.apps ?? [], name: spec.name)
        ring.replace(try await database.activeKeyCredentials())
        context.logger.info("key created", metadata: ["id": "\(key.id)", "scope": "\(scope.rawValue)"])
        return EditedResponse(status: .created, response: KeyJSON(key, secret: secret))
    }

    @Sendable func revoke(request: Request, context: Context) async throws -> HTTPResponse.Status {
        guard let id = context.parameters.get("id", as: Int64.self), try await database.revokeKey(id: id) else {
            throw APIError.notFound("key \(context.parameters.get("id")?.prefix(40) ?? "")")
        }
        ring.replace(try await database.activeKeyCredentials())
        context.logger.info("key revoked", metadata: ["id": "\(id)"])
        return .noContent
    }
}
