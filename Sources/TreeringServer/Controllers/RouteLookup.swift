import Hummingbird
import TreeringStore

/// The stored thing a route names by its path parameters, or a 404: keeps
/// route parameters and HTTP errors out of the store's interface.
struct RouteLookup {
    let database: any ProfileStore

    /// The profile a route names by its `:id` or `:token` parameter.
    func profile(named parameters: Parameters) async throws -> ProfileSummary {
        if let token = parameters.get("token") {
            guard ShareToken.isWellFormed(token), let p = try await database.profile(shareToken: token) else {
                throw APIError.notFound("shared profile")
            }
            return p
        }
        guard let id = parameters.get("id", as: Int64.self), let p = try await database.profile(id: id) else {
            throw APIError.notFound("profile \(parameters.get("id") ?? "")")
        }
        return p
    }

    /// That profile and its call tree.
    func profileTree(named parameters: Parameters, byThread: Bool) async throws -> (ProfileSummary, LoadedTree) {
        let p = try await profile(named: parameters)
        guard var tree = try await database.profileTree(id: p.id, byThread: byThread) else {
            throw APIError.notFound("profile \(p.id)")
        }
        tree.myPackages = try await database.myPackages(app: p.metadata.app) ?? []
        return (p, tree)
    }

    /// The shared query a route names by its `:token` parameter.
    func sharedQuery(named parameters: Parameters) async throws -> SharedQuery {
        guard let token = parameters.get("token"), ShareToken.isWellFormed(token),
            let shared = try await database.sharedQuery(token: token)
        else { throw APIError.notFound("shared query") }
        return shared
    }

    /// The session a route names by its `:id`, which may also be its share token.
    func session(named parameters: Parameters) async throws -> SessionSummary {
        try await session(ref: parameters.get("id") ?? "")
    }

    /// A session by its id or its share token.
    func session(ref name: String) async throws -> SessionSummary {
        if let id = Int64(name), let s = try await database.session(id: id) { return s }
        if ShareToken.isWellFormed(name), let s = try await database.session(shareToken: name) { return s }
        throw APIError.notFound("session \(name.prefix(40))")
    }
}
