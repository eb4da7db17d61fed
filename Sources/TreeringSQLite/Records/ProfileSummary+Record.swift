import Foundation
import GRDB
import TreeringCore
import TreeringStore

/// A `profile` row joined with its app's name (`a.name AS app`).
extension ProfileSummary: FetchableRecord {
    public init(row: Row) throws {
        let meta = ProfileMetadata(
            app: row["app"], host: row["host"], pid: row["pid"], runtime: row["runtime"], agent: row["agent"],
            start: row["start"], end: row["end"], intervalMs: row["interval_ms"], tags: SeriesLabels.decode(row["tags"]))
        self.init(
            id: row["id"], shareToken: row["share_token"], metadata: meta, threads: JSONColumn.strings(row["threads"]),
            samples: row["samples"], stacks: row["stacks"], createdAt: row["created_at"])
    }
}
