import GRDB
import TreeringStore

/// What the benchmarks read about the store: how far the rollups are, and
/// where the bytes go.
extension SQLiteStore {
    public func rollupProgress() async throws -> RollupProgress {
        try await writer.read { db in
            RollupProgress(
                rolledUpTo: try Self.rolledUpTo(db), newestProfile: try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM profile") ?? 0)
        }
    }

    /// Copies the WAL into the file and truncates it, so file sizes are final.
    public func checkpointAndTruncate() async throws {
        try await writer.writeWithoutTransaction { _ = try $0.checkpoint(.truncate) }
    }

    public func storageStats() async throws -> StorageStats {
        try await writer.read { db in
            // dbstat needs SQLITE_ENABLE_DBSTAT_VTAB; without it, only the totals.
            let tables =
                (try? Row.fetchAll(db, sql: "SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC")
                    .map { StorageStats.Table(name: $0["name"], bytes: $0["bytes"]) }) ?? []
            var rows: [String: Int] = [:]
            for table in ["profile", "profile_tree", "rollup", "series", "frame"] {
                rows[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            }
            let rollups = try Row.fetchAll(
                db,
                sql: "SELECT resolution, COUNT(*) AS n, SUM(LENGTH(tree)) AS bytes FROM rollup GROUP BY resolution ORDER BY resolution"
            ).map { StorageStats.Resolution(seconds: $0["resolution"], rows: $0["n"], treeBytes: $0["bytes"]) }
            return StorageStats(tables: tables, rows: rows, rollups: rollups)
        }
    }
}
