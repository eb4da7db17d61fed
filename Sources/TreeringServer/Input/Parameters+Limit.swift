import Hummingbird

extension Parameters {
    /// A list's `limit` query parameter: how many items to answer with.
    func limit(default fallback: Int, max: Int = 1000) throws -> Int {
        guard let text = get("limit") else { return fallback }
        guard let n = Int(text), (1...max).contains(n) else {
            throw APIError(.badRequest, code: "invalid_parameter", message: "limit: must be an integer from 1 to \(max)")
        }
        return n
    }
}
