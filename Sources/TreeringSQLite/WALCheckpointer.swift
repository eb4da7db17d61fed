import GRDB
import TreeringStore

/// Copies the write-ahead log into the database file from a connection of
/// its own, so that no upload waits for it: SQLite's own checkpoint runs in
/// the commit that crosses its threshold, and that upload (and every one
/// queued behind the writer) waits while megabytes are copied and synced.
///
/// A passive checkpoint takes no lock writers need, but under steady ingest
/// it never catches up with the last commit, and the log is only started
/// again from its beginning once it has been copied whole: so when the log
/// passes `restartPages`, a restart checkpoint copies the little that is
/// left and lets the next commit start the log over (writers wait for that
/// short step only, and the restart waits at most 20 ms for readers).
public final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    let restartPages: Int
    /// How long the checkpoints wait for a lock, but for the restart's wait for readers.
    static let busyMilliseconds = 5_000

    public init(path: String, restartPages: Int = 4_096) throws {
        var config = Configuration()
        config.busyMode = .timeout(Double(Self.busyMilliseconds) / 1000)
        connection = try DatabaseQueue(path: path, configuration: config)
        self.restartPages = restartPages
    }

    /// Pages in the log, and how many of them are now in the database file;
    /// nil when another checkpoint (SQLite's own, past 256 MB) was running
    /// or the restart's readers did not finish within 20 ms.
    @discardableResult
    public func checkpoint() async throws -> (logPages: Int, copied: Int)? {
        do {
            return try await connection.writeWithoutTransaction { db in
                let (log, copied) = try db.checkpoint(.passive)
                guard log >= restartPages else { return (log, copied) }
                // A restart blocks new writes while it waits for readers of
                // the old log (a rollup pass reading many trees); waiting
                // 20 ms at most keeps uploads from queueing behind it: when
                // busy it is tried again a second later.
                try db.execute(sql: "PRAGMA busy_timeout = 20")
                defer { try? db.execute(sql: "PRAGMA busy_timeout = \(Self.busyMilliseconds)") }
                let restarted = try db.checkpoint(.restart)
                return (restarted.walFrameCount, restarted.checkpointedFrameCount)
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            return nil
        }
    }
}
