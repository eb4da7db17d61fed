import TreeringCore

/// A query kept under a share token: the link reopens the same range and
/// filters, however much later it is opened.
public struct SharedQuery: Sendable, Equatable {
    public var token: String
    public var query: AppQuery
    public var createdAt: Double
    /// After this the link answers 404 (nil: it does not expire).
    public var expiresAt: Double? = nil

    package init(token: String, query: AppQuery, createdAt: Double, expiresAt: Double?) {
        self.token = token
        self.query = query
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
