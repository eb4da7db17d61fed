import TreeringCore

/// A stored session as the API and pages show it. `state` is already as of
/// the moment it was read: a running session past `until` reads as expired.
public struct SessionSummary: Sendable, Equatable {
    public var id: Int64
    public var app: String
    public var shareToken: String
    public var transaction: String
    /// N, the requests the session wants.
    public var requestsWanted: Int
    /// Requests stored so far; never more than `requestsWanted`.
    public var count: Int
    public var state: SessionState
    public var intervalMs: Double
    public var timeLimitSeconds: Double
    public var createdAt: Double
    public var until: Double
    public var closedAt: Double?

    public init(
        id: Int64, app: String, shareToken: String, transaction: String, requestsWanted: Int, count: Int,
        state: SessionState, intervalMs: Double, timeLimitSeconds: Double, createdAt: Double, until: Double,
        closedAt: Double?
    ) {
        self.id = id
        self.app = app
        self.shareToken = shareToken
        self.transaction = transaction
        self.requestsWanted = requestsWanted
        self.count = count
        self.state = state
        self.intervalMs = intervalMs
        self.timeLimitSeconds = timeLimitSeconds
        self.createdAt = createdAt
        self.until = until
        self.closedAt = closedAt
    }

    /// What agents need to record it.
    public var active: ActiveSession {
        ActiveSession(id: id, app: app, transaction: transaction, intervalMs: intervalMs, until: until)
    }

    /// The session as of `now`: a running session past its deadline reads as
    /// expired at its deadline, whether or not that is written yet.
    package func asOf(_ now: Double) -> SessionSummary {
        var s = self
        s.state = state.at(now, until: until)
        if s.state != state { s.closedAt = until }
        return s
    }
}
