import Foundation
import Hummingbird

/// Refuses a path that holds a NUL or another control character once
/// percent-decoded: `/js/page.js%00.png` must not reach the static files
/// (the file system stops at the NUL and would serve `page.js`).
struct PathCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let decoded = path.removingPercentEncoding ?? path
        guard !decoded.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError(.badRequest, code: "invalid_path", message: "path: must not hold control characters such as NUL")
        }
        return try await next(request, context)
    }
}
