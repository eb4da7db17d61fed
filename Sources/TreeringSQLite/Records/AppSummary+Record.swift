import GRDB
import TreeringStore

/// An app with its profile counts (`listApps`); `hosts` is a JSON array.
extension AppSummary: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            name: row["name"], profiles: row["profiles"], samples: row["samples"], firstSeen: row["first_seen"],
            lastSeen: row["last_seen"], hosts: JSONColumn.strings(row["hosts"]).sorted())
    }
}
