import GRDB
import TreeringStore

/// A `session_request` row; `threads` is a JSON array.
extension SessionRequestSummary: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            request: row["request"], wallMs: row["wall_ms"], samples: row["samples"], host: row["host"],
            threads: JSONColumn.strings(row["threads"]), receivedAt: row["received_at"])
    }
}
