/// A comparison kept under a share token: both sides as the diff API's
/// query string (`base.app=shop&base.from=…&target.profile=12`), with any
/// relative range made absolute when it was shared, so the link reopens the
/// same picture however much later it is opened.
public struct SharedComparison: Sendable, Equatable {
    public var token: String
    public var sides: String
    public var createdAt: Double
    /// After this the link answers 404 (nil: it does not expire).
    public var expiresAt: Double?

    public init(token: String, sides: String, createdAt: Double, expiresAt: Double?) {
        self.token = token
        self.sides = sides
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
