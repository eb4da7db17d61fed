/// Keys of the advisory locks the store's processes share: each names one
/// job that must not run twice at once, or a rule between writers.
enum PostgresLocks {
    /// Held while migrations run on open.
    static let migrate: Int64 = 0x7472_6565_0001
    /// Shared by every transaction that inserts profiles, taken exclusively
    /// for an instant by a rollup pass: once it holds it, no profile id at or
    /// below `max(id)` is still uncommitted, so that is a safe watermark.
    static let ingest: Int64 = 0x7472_6565_0002
    /// One rollup pass at a time, across processes.
    static let rollup: Int64 = 0x7472_6565_0003
    /// One retention pass at a time, across processes.
    static let retention: Int64 = 0x7472_6565_0004
    /// Serializes the creation of partitions.
    static let partitions: Int64 = 0x7472_6565_0005
    /// Serializes new apps, so the app cap holds across processes.
    static let apps: Int64 = 0x7472_6565_0006
    /// Serializes new series (rare: a label set never seen before),
    /// so the series caps hold across processes.
    static let series: Int64 = 0x7472_6565_0007
}
