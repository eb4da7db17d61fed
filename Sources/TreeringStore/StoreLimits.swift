/// Caps on what the uploads of any client can make the store hold, in the
/// spirit of Pyroscope's per-tenant limits: a label with a new value in
/// every upload (a request id, a timestamp) would otherwise make a series
/// per upload, and every query, rollup pass and filter menu pays for each.
public struct StoreLimits: Sendable, Equatable {
    /// Series (distinct label sets) per app.
    public var maxSeriesPerApp: Int = 5_000
    /// Label names in one series (host, thread and tags).
    public var maxLabelsPerSeries: Int = 30
    /// Values one label name takes across an app's series.
    public var maxValuesPerLabel: Int = 1_000
    /// Apps per server.
    public var maxApps: Int = 1_000
    /// Targeted sessions running at once per app.
    public var maxRunningSessionsPerApp: Int = 20

    public init() {}

    public static let `default` = StoreLimits()
}
