import TreeringCore

/// A query kept under a share token: the link reopens the same range and
/// filters, however much later it is opened.
public struct SharedQuery: Sendable, Equatable {
    public var token: String
    public var query: AppQuery
    public var createdAt: Double
}
