import Hummingbird
import TreeringStore

extension AppDatabase {
    /// The profile a route names by its `:id` or `:token` parameter, or 404.
    func profile(named parameters: Parameters) async throws -> ProfileSummary {
        if let token = parameters.get("token") {
            guard ShareToken.isWellFormed(token), let p = try await profile(shareToken: token) else {
                throw APIError.notFound("shared profile")
            }
            return p
        }
        guard let id = parameters.get("id", as: Int64.self), let p = try await profile(id: id) else {
            throw APIError.notFound("profile \(parameters.get("id") ?? "")")
        }
        return p
    }
}
