import GRDB
import TreeringCore
import TreeringStore

/// A `session` row as stored (`SQLiteStore.sessionSelect`); `asOf(_:)` gives
/// the state a reader sees.
extension SessionSummary: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            id: row["id"], app: row["app"], shareToken: row["share_token"], transaction: row["transaction_name"],
            requestsWanted: row["requests_wanted"], count: row["count"],
            state: SessionState(rawValue: row["state"]) ?? .stopped, intervalMs: row["interval_ms"],
            timeLimitSeconds: row["time_limit_s"], createdAt: row["created_at"], until: row["until"],
            closedAt: row["closed_at"])
    }

}
