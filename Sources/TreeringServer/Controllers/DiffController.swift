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

    func functionView(_ direction: LoadedTree.Direction, _ request: Request) async throws -> RawResponse {
        let parameters = FormQuery.parameters(request)
        let function = try FunctionQuery.parse(parameters)
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
