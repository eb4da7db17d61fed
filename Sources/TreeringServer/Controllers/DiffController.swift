import Foundation
import Hummingbird
import TreeringCore
import TreeringStore

/// Two trees compared: any two sources (a profile, an app's range with
/// filters, a session, one request of a session), the `base.` side the
/// baseline and the `target.` side what is compared with it. Answers the diff
/// tree JSON, difffolded text, and a function's callers or callees on both sides.
struct DiffController<Context: RequestContext> {
    let sources: TreeSourceLoader<Context>

    var endpoints: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("diff", use: tree)
            .get("diff/folded", use: folded)
            .get("diff/callers", use: callers)
            .get("diff/callees", use: callees)
            .post("diff/share", use: share)
            .get("c/:token") { _, context -> RawResponse in
                let (base, target) = try await sharedSides(context)
                return .json(Self.json(base, target))
            }
            .get("c/:token/folded") { _, context -> RawResponse in
                let (base, target) = try await sharedSides(context)
                return .text(DiffFoldedWriter().write(Self.diff(base, target)))
            }
            .get("c/:token/callers") { request, context in
                try await functionView(.callers, request, parameters: try await sharedParameters(context))
            }
            .get("c/:token/callees") { request, context in
                try await functionView(.callees, request, parameters: try await sharedParameters(context))
            }
            .get("c/:token/sides") { _, context in SharedSides(sides: try await shared(context).sides) }
    }

    struct SharedSides: ResponseEncodable {
        /// Both sides as the diff API's query string, ranges absolute.
        var sides: String
    }

    struct SharedComparisonJSON: ResponseEncodable {
        var token: String
        var url: String
        var apiUrl: String
        var sides: String
        var expiresAt: Double?
    }

    /// Keeps both sides under a token (admin): relative ranges are made
    /// absolute now, so the link shows the same picture later.
    @Sendable func share(request: Request, context: Context) async throws -> EditedResponse<SharedComparisonJSON> {
        let parameters = FormQuery.parameters(request)
        let expiresAt = try ShareExpiry.parse(parameters)
        var pairs: [(String, String)] = []
        for prefix in ["base", "target"] {
            let source = try TreeSource.parse(parameters, prefix: prefix)
            _ = try await sources.load(source, prefix: prefix)  // a side that names nothing is not shared
            pairs += try await sources.absolute(source, prefix: prefix)
        }
        let shared = try await sources.database.shareComparison(sides: FormQuery.encode(pairs), expiresAt: expiresAt)
        return EditedResponse(
            status: .created,
            response: SharedComparisonJSON(
                token: shared.token, url: "/c/\(shared.token)", apiUrl: "/api/v1/c/\(shared.token)", sides: shared.sides,
                expiresAt: shared.expiresAt))
    }

    func shared(_ context: Context) async throws -> SharedComparison {
        guard let token = context.parameters.get("token"), ShareToken.isWellFormed(token),
            let shared = try await sources.database.sharedComparison(token: token)
        else { throw APIError.notFound("shared comparison") }
        return shared
    }

    func sharedParameters(_ context: Context) async throws -> Parameters {
        let stored = try await shared(context).sides
        return Parameters(FormQuery.pairs(stored).map { (key: $0.key[...], value: $0.value[...]) })
    }

    func sharedSides(_ context: Context) async throws -> (LoadedTree, LoadedTree) {
        try await sides(try await sharedParameters(context))
    }

    @Sendable func tree(request: Request, context: Context) async throws -> RawResponse {
        let (base, target) = try await sides(FormQuery.parameters(request))
        return .json(Self.json(base, target))
    }

    @Sendable func folded(request: Request, context: Context) async throws -> RawResponse {
        let (base, target) = try await sides(FormQuery.parameters(request))
        return .text(DiffFoldedWriter().write(Self.diff(base, target)))
    }

    @Sendable func callers(request: Request, context: Context) async throws -> RawResponse {
        try await functionView(.callers, request)
    }

    @Sendable func callees(request: Request, context: Context) async throws -> RawResponse {
        try await functionView(.callees, request)
    }

    func functionView(
        _ direction: LoadedTree.Direction, _ request: Request, parameters sideParameters: Parameters? = nil
    ) async throws -> RawResponse {
        let asked = FormQuery.parameters(request)
        let function = try FunctionQuery.parse(asked)
        let parameters = sideParameters ?? asked
        let (base, target) = try await sides(parameters)
        let baseView = base.functionView(direction, matching: function.matches)
        let targetView = target.functionView(direction, matching: function.matches)
        guard baseView != nil || targetView != nil else { throw APIError.notFound("function \(function.description.prefix(200))") }
        let empty = { (side: LoadedTree) in LoadedTree(tree: CallTree(), frames: [:], intervalMs: side.intervalMs) }
        return .json(Self.json(baseView ?? empty(base), targetView ?? empty(target)))
    }

    /// Both sides, checked before either is loaded (a bad target is a 400
    /// even when the base is also wrong in another way).
    func sides(_ parameters: Parameters) async throws -> (LoadedTree, LoadedTree) {
        let baseSource = try TreeSource.parse(parameters, prefix: "base")
        let targetSource = try TreeSource.parse(parameters, prefix: "target")
        let base = try await sources.load(baseSource, prefix: "base")
        let target = try await sources.load(targetSource, prefix: "target")
        return (base, target)
    }

    static func diff(_ base: LoadedTree, _ target: LoadedTree) -> DiffTree {
        DiffTree(base: base.tree, baseFrame: base.frame, target: target.tree, targetFrame: target.frame)
    }

    static func json(_ base: LoadedTree, _ target: LoadedTree) -> [UInt8] {
        DiffJSONWriter().write(diff(base, target), baseIntervalMs: base.intervalMs, targetIntervalMs: target.intervalMs)
    }
}
