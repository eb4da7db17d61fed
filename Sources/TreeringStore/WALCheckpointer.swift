import GRDB

/// Copies the write-ahead log into the database file from a connection of
/// its own, so that no upload waits for it: SQLite's own checkpoint runs in
/// the commit that crosses its threshold, and that upload (and every one
/// queued behind the writer) waits while megabytes are copied and synced.
/// A passive checkpoint takes no lock writers need; once the log is fully
/// copied, the next commit starts it again from the beginning.
public final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue

    public init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(5)
        connection = try DatabaseQueue(path: path, configuration: config)
    }

    /// Pages in the log, and how many of them are now in the database file.
    @discardableResult
    public func checkpoint() async throws -> (logPages: Int, copied: Int) {
        let (log, copied) = try await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        return (log, copied)
    }
}
