import Foundation
import Hummingbird

extension Parameters {
    /// The route's `:app`, percent-decoded (see `decoded`).
    func app() throws -> String {
        guard let app = decoded("app") else { throw APIError.notFound("app") }
        return app
    }

    /// A path parameter, percent-decoded: app names and request ids may hold
    /// `/` and spaces, which a path carries as `%2F` and `%20`, and
    /// Hummingbird leaves path parameters as they came.
    func decoded(_ name: String) -> String? {
        get(name).map { $0.removingPercentEncoding ?? $0 }
    }
}
