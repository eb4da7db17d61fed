import PostgresNIO
import TreeringStore

/// What the benchmarks read about the store: how far the rollups are, and
/// where the bytes go.
extension PostgresStore {
    public func rollupProgress() async throws -> RollupProgress {
        let logger = self.logger
        return try await read { conn in
            RollupProgress(
                rolledUpTo: try await Self.rollupState(conn, logger: logger).rolledUpTo,
                newestProfile: try await conn.query("SELECT id FROM profile ORDER BY id DESC LIMIT 1", logger: logger).first(Int64.self)
                    ?? 0)
        }
    }

    public func storageStats() async throws -> StorageStats {
        let logger = self.logger
        return try await read { conn in
            // A partitioned table's bytes are its partitions' (with their indexes and TOAST).
            var tables: [StorageStats.Table] = []
            for table in StoreTable.allCases.map(\.rawValue) {
                let bytes = try await conn.query(
                    """
                    SELECT (pg_total_relation_size(\(table)::regclass)
                            + COALESCE((SELECT sum(pg_total_relation_size(i.inhrelid)) FROM pg_inherits i
                                        WHERE i.inhparent = \(table)::regclass), 0))::bigint
                    """,
                    logger: logger
                ).one(Int64.self)
                tables.append(StorageStats.Table(name: table, bytes: Int(clamping: bytes)))
            }
            var rows: [String: Int] = [:]
            for table in ["profile", "profile_tree", "rollup", "series", "frame"] {
                rows[table] = Int(
                    clamping: try await conn.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: logger).one(
                        Int64.self))
            }
            var rollups: [StorageStats.Resolution] = []
            let perResolution = try await conn.query(
                """
                SELECT resolution, count(*), COALESCE(sum(octet_length(tree)), 0)::bigint FROM rollup
                GROUP BY resolution ORDER BY resolution
                """, logger: logger)
            for try await (seconds, n, bytes) in perResolution.decode((Int64, Int64, Int64).self) {
                rollups.append(StorageStats.Resolution(seconds: Int(seconds), rows: Int(clamping: n), treeBytes: Int(clamping: bytes)))
            }
            return StorageStats(tables: tables.sorted { $0.bytes > $1.bytes }, rows: rows, rollups: rollups)
        }
    }
}
