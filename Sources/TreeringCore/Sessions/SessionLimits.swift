/// The server's rules for targeted sessions. Each is a setting; these are
/// the defaults of the sessions contract.
public struct SessionLimits: Sendable, Equatable {
    public var defaultRequests = 100
    public var maxRequests = 1_000
    public var defaultTimeLimitSeconds: Double = 600
    public var maxTimeLimitSeconds: Double = 86_400
    public var defaultIntervalMs: Double = 5
    public var minIntervalMs: Double = 1
    public var maxIntervalMs: Double = 1_000
    /// Characters in a request id (`treering.request`).
    public var maxRequestIDLength = 64
    /// How often agents are told to ask for the active sessions.
    public var pollSeconds: Double = 2

    public init() {}

    public static let `default` = SessionLimits()
}
