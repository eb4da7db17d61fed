import Hummingbird
import TreeringCore
import TreeringStore

/// The answer of every single-tree `callers`/`callees` route: the function
/// the query names, looked up in the route's tree, as tree JSON.
enum FunctionViewResponse {
    static func of(_ tree: LoadedTree, _ direction: LoadedTree.Direction, _ request: Request) throws -> RawResponse {
        let function = try FunctionQuery.parse(FormQuery.parameters(request))
        guard let view = tree.functionView(direction, matching: function.matches) else {
            throw APIError.notFound("function \(function.description.prefix(200))")
        }
        return .json(view.json())
    }
}
