import Foundation
import Hummingbird

extension Parameters {
    /// The route's `:app`, percent-decoded: app names may hold `/` and spaces,
    /// which a path carries as `%2F` and `%20`, and Hummingbird leaves path
    /// parameters as they came.
    func app() throws -> String {
        guard let raw = get("app") else { throw APIError.notFound("app") }
        return raw.removingPercentEncoding ?? raw
    }
}
