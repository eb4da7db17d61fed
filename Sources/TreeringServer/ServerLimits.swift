/// Limits of the server itself: connections, how long a client may take,
/// which upload times it takes, how far a query may reach.
public struct ServerLimits: Sendable, Equatable {
    /// Seconds a connection may wait for a request's headers to arrive
    /// whole, counted from its opening or from its previous answer: idle
    /// keep-alive connections and slow-header clients are closed after it.
    public var idleTimeoutSeconds: Double = 30
    /// Connections open at once; more wait to be accepted. Kept below the
    /// open-file limit, which the database files share.
    public var maxConnections: Int = 900
    /// How far in the future an upload may start: agents' clocks drift.
    public var maxClockSkewSeconds: Double = 3_600
    /// Points one timeline answer may hold (range / step).
    public var maxTimelinePoints: Int = 10_000
    /// The longest range one query or timeline may cover.
    public var maxQueryRangeSeconds: Double = 400 * 86_400

    public init() {}

    public static let `default` = ServerLimits()
}
