import Hummingbird
import TreeringCore
import TreeringStore

/// Loads the tree a `TreeSource` names, from the same store calls as the
/// single-tree routes. Errors about the side's parameters name them with the
/// side's prefix (`base.from: ...`); a side that names nothing stored is a 404.
struct TreeSourceLoader<Context: RequestContext> {
    let database: any ProfileStore
    let queries: QueryController<Context>
    var lookup: RouteLookup { RouteLookup(database: database) }

    func load(_ source: TreeSource, prefix: String) async throws -> LoadedTree {
        switch source {
        case .profile(let id):
            guard let tree = try await database.profileTree(id: id) else { throw APIError.notFound("\(prefix).profile \(id)") }
            return tree
        case .query(let app, let rest):
            let query = try await appQuery(app, rest, prefix: prefix)
            guard let tree = try await database.queryTree(query) else { throw APIError.notFound("\(prefix).app \(app)") }
            return tree
        case .session(let ref):
            let session = try await lookup.session(ref: ref)
            guard let tree = try await database.sessionTree(id: session.id) else { throw APIError.notFound("\(prefix).session \(ref)") }
            return tree
        case .sessionRequest(let ref, let request):
            let session = try await lookup.session(ref: ref)
            guard let tree = try await database.sessionRequestTree(id: session.id, request: request) else {
                throw APIError.notFound("\(prefix).request \(request.prefix(64)) of session \(session.id)")
            }
            return tree
        }
    }

    /// The side's parameters with an app range made absolute (from and until
    /// in Unix seconds, filters sorted): what a shared comparison keeps.
    func absolute(_ source: TreeSource, prefix: String) async throws -> [(String, String)] {
        switch source {
        case .profile(let id):
            return [("\(prefix).profile", String(id))]
        case .session(let ref):
            return [("\(prefix).session", ref)]
        case .sessionRequest(let ref, let request):
            return [("\(prefix).session", ref), ("\(prefix).request", request)]
        case .query(let app, let rest):
            let query = try await appQuery(app, rest, prefix: prefix)
            var pairs = [("\(prefix).app", app), ("\(prefix).from", "\(query.from)"), ("\(prefix).until", "\(query.until)")]
            for (label, values) in query.filter.keyed.sorted(by: { $0.key < $1.key }) {
                pairs += values.sorted().map { ("\(prefix).\(label)", $0) }
            }
            return pairs
        }
    }

    /// An app side's query, read as the query API reads one; errors name the
    /// side's parameters (`base.from: …`).
    func appQuery(_ app: String, _ rest: [String: [String]], prefix: String) async throws -> AppQuery {
        let parameters = Parameters(rest.flatMap { key, values in values.map { (key: key[...], value: $0[...]) } })
        do {
            return try await queries.parse(parameters, app: app)
        } catch let error as InputError {
            throw error.prefixed(prefix + ".")
        }
    }
}
