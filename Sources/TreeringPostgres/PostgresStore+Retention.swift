import Foundation
import Logging
import NIOCore
import PostgresNIO
import TreeringCore
import TreeringStore

extension PostgresStore {
    /// Removes profiles that started before the minute holding `cutoff`, and
    /// their rollups; returns how many profiles. Whole daily partitions go
    /// at once; the one straddling the boundary loses its older rows in
    /// chunks; rollup buckets straddling it are merged again from the finer
    /// ones, as SQLiteStore.trimRollups does. One process at a time: while
    /// another runs it, this returns 0 at once.
    @discardableResult
    public func removeData(before cutoff: Double, chunk: Int) async throws -> Int {
        try await holdingLock(PostgresLocks.retention) {
            try await self.removeDataNow(before: cutoff, chunk: chunk)
        } ?? 0
    }

    func removeDataNow(before cutoff: Double, chunk: Int) async throws -> Int {
        let logger = self.logger
        let boundary = RollupPlan.floor(cutoff, RollupPlan.resolutions[0])
        var removed = try await dropPartitions(before: boundary)
        while true {
            let n = try await write { conn -> Int64 in
                let n = try await conn.query(
                    """
                    WITH gone AS (
                        DELETE FROM profile WHERE (id, start) IN
                            (SELECT id, start FROM profile WHERE start < \(Double(boundary)) LIMIT \(Int64(max(1, chunk))))
                        RETURNING id, start
                    ), trees AS (
                        DELETE FROM profile_tree t USING gone WHERE t.profile_id = gone.id AND t.start = gone.start
                    )
                    SELECT count(*) FROM gone
                    """, logger: logger
                ).one(Int64.self)
                // A rollup pass that read these profiles must not write them back.
                if n > 0 { try await conn.perform("UPDATE rollup_state SET version = version + 1 WHERE id = 1", logger: logger) }
                return n
            }
            removed += Int(clamping: n)
            if n < max(1, chunk) { break }
        }
        try await trimRollups(boundary: boundary)
        return removed
    }

    /// Drops the daily partitions that end at or before the boundary, of
    /// every time-partitioned table; returns the profiles they held.
    func dropPartitions(before boundary: Int64) async throws -> Int {
        let logger = self.logger
        let removed = try await write { conn -> Int64 in
            var old: [PartitionDay] = []
            for table in PartitionDay.tables {
                let names = try await conn.query(
                    """
                    SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                    WHERE i.inhparent = \(table)::regclass
                    """, logger: logger
                ).all(String.self)
                old += names.compactMap { PartitionDay.parse(table: table, name: $0) }.filter { $0.until <= boundary }
            }
            guard !old.isEmpty else { return 0 }
            var profiles: Int64 = 0
            for p in old where p.table == "profile" {
                profiles += try await conn.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(p.name)"), logger: logger).one(Int64.self)
            }
            // A rollup pass that read these rows must not write them back.
            try await conn.perform("UPDATE rollup_state SET version = version + 1 WHERE id = 1", logger: logger)
            for p in old { try await conn.perform(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(p.name)"), logger: logger) }
            return profiles
        }
        partitions.forgetAll()
        return Int(clamping: removed)
    }

    /// Rollups: buckets wholly before the boundary go; the one bucket per
    /// resolution that straddles it is merged again from the resolution
    /// below (already trimmed), a few hundred series per transaction.
    func trimRollups(boundary: Int64) async throws {
        let logger = self.logger
        var finer: Int64?
        for resolution in RollupPlan.resolutions {
            defer { finer = resolution }
            let straddling = RollupPlan.floor(Double(boundary), resolution)
            let series = try await write { conn -> [Int64] in
                try await conn.perform(
                    "DELETE FROM rollup WHERE resolution = \(resolution) AND bucket <= \(boundary - resolution)", logger: logger)
                try await conn.perform("UPDATE rollup_state SET version = version + 1 WHERE id = 1", logger: logger)
                return try await conn.query(
                    "SELECT series_id FROM rollup WHERE resolution = \(resolution) AND bucket = \(straddling) ORDER BY series_id",
                    logger: logger
                ).all(Int64.self)
            }
            guard let finer, straddling < boundary else { continue }
            for part in stride(from: 0, to: series.count, by: 200) {
                let ids = Array(series[part..<min(part + 200, series.count)])
                try await write { conn in
                    var mergers: [Int64: TreeMerger] = [:]
                    for id in ids { mergers[id] = TreeMerger() }
                    let rows = try await conn.query(
                        """
                        SELECT series_id, tree FROM rollup
                        WHERE series_id = ANY(\(ids)::bigint[]) AND resolution = \(finer)
                          AND bucket >= \(straddling) AND bucket < \(straddling + resolution)
                        """, logger: logger)
                    for try await (id, blob) in rows.decode((Int64, Data).self) { try mergers[id]?.add(blob) }
                    var empty: [Int64] = []
                    var kept: [(id: Int64, samples: Int64, blob: ByteBuffer)] = []
                    for (id, merger) in mergers {
                        let tree = merger.finish()
                        if tree.totalCount == 0 {
                            empty.append(id)
                        } else {
                            kept.append((id, tree.totalCount, ByteBuffer(bytes: TreeBlobCodec.encode(tree))))
                        }
                    }
                    try await conn.perform(
                        """
                        DELETE FROM rollup WHERE series_id = ANY(\(empty)::bigint[]) AND resolution = \(resolution)
                          AND bucket = \(straddling)
                        """, logger: logger)
                    try await conn.perform(
                        """
                        UPDATE rollup r SET samples = u.samples, tree = u.tree
                        FROM unnest(\(kept.map(\.id))::bigint[], \(kept.map(\.samples))::bigint[], \(kept.map(\.blob))::bytea[])
                            AS u(series_id, samples, tree)
                        WHERE r.series_id = u.series_id AND r.resolution = \(resolution) AND r.bucket = \(straddling)
                        """, logger: logger)
                    try await conn.perform("UPDATE rollup_state SET version = version + 1 WHERE id = 1", logger: logger)
                }
            }
        }
    }
}
