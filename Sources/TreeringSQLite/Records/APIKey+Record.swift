import GRDB
import TreeringStore

/// An `api_key` row; `apps` is a JSON array.
extension APIKey: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            id: row["id"], name: row["name"], scope: KeyScope(rawValue: row["scope"]) ?? .ingest,
            apps: JSONColumn.strings(row["apps"]), createdAt: row["created_at"], lastUsedAt: row["last_used_at"],
            revokedAt: row["revoked_at"])
    }
}
