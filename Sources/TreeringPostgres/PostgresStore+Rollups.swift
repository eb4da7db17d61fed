import Foundation
import Logging
import NIOCore
import PostgresNIO
import TreeringCore
import TreeringStore

extension PostgresStore {
    /// Adds profiles stored since the last pass to the rollups (at most
    /// `batch`), then builds closed coarse buckets; returns the profiles
    /// added. One process at a time runs a pass: while another holds the
    /// rollup lock, this returns 0 at once.
    @discardableResult
    public func rollUp(batch: Int) async throws -> Int {
        try await holdingLock(PostgresLocks.rollup) {
            try await self.ensurePartitionsAroundNow()
            let added = try await self.addToRollups(batch: batch)
            try await self.buildClosedBuckets()
            return added
        } ?? 0
    }

    /// Runs `body` while this process holds the advisory lock `key` on a
    /// connection kept for it (a crash of the process ends the session and
    /// so frees the lock); nil, without running it, when another holds it.
    func holdingLock<Result: Sendable>(_ key: Int64, _ body: () async throws -> Result) async throws -> Result? {
        let logger = self.logger
        return try await client.withConnection { conn -> Result? in
            guard try await conn.query("SELECT pg_try_advisory_lock(\(key))", logger: logger).one(Bool.self) else { return nil }
            let result: Result
            do {
                result = try await body()
            } catch {
                _ = try? await conn.perform("SELECT pg_advisory_unlock(\(key))", logger: logger)
                throw error
            }
            try await conn.perform("SELECT pg_advisory_unlock(\(key))", logger: logger)
            return result
        }
    }

    /// The newest profile id no transaction can still be inserting below:
    /// read while holding the ingest lock exclusively, which waits for every
    /// insert in flight (they hold it shared) and lets the next ones draw
    /// larger ids. Profile ids come from a sequence, so without it a smaller
    /// id could commit after a pass moved the watermark past it. New uploads
    /// queue behind the waiting pass, so it waits at most a second (an upload
    /// of a million frames in flight): then nil, and the next pass tries again.
    func safeWatermark() async throws -> Int64? {
        let logger = self.logger
        do {
            return try await write { conn in
                try await conn.perform("SET LOCAL lock_timeout = '1s'", logger: logger)
                try await conn.perform("SELECT pg_advisory_xact_lock(\(PostgresLocks.ingest))", logger: logger)
                return try await conn.query("SELECT id FROM profile ORDER BY id DESC LIMIT 1", logger: logger).first(Int64.self) ?? 0
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "55P03" {  // lock_not_available
            return nil
        }
    }

    func addToRollups(batch: Int) async throws -> Int {
        let logger = self.logger
        var partitionRetried = false
        while true {
            guard let safe = try await safeWatermark() else { return 0 }
            guard let snapshot = try await read({ conn in try await Self.readRollupBatch(conn, batch: batch, upTo: safe, logger: logger) })
            else { return 0 }
            // An agent's clock far ahead must not close the buckets of everyone else.
            let newest = min(snapshot.trees.map(\.start).max() ?? 0, Date().timeIntervalSince1970 + 600)
            // Merged and encoded before the write transaction (see SQLiteStore.addToRollups).
            let rows = try snapshot.merged().map { key, tree in
                (key: key, samples: tree.totalCount, blob: ByteBuffer(bytes: TreeBlobCodec.encode(tree)))
            }
            try await ensurePartitions(Set(rows.map { PartitionDay(table: "rollup", time: Double($0.key.bucket)) }))
            let written: Bool
            do {
                written = try await write { conn -> Bool in
                    guard try await Self.lockedRollupState(conn, logger: logger) == (snapshot.from, snapshot.version) else { return false }
                    var allSeries: [Int64: Int64] = [:]
                    var seriesIDs: [Int64] = []
                    for row in rows {
                        switch row.key.series {
                        case .one(let id): seriesIDs.append(id)
                        case .all(let app):
                            if allSeries[app] == nil {
                                allSeries[app] = try await Self.seriesID(conn, appID: app, labels: SeriesLabels.all, logger: logger)
                            }
                            seriesIDs.append(allSeries[app]!)
                        }
                    }
                    try await conn.perform(
                        """
                        INSERT INTO rollup (series_id, resolution, bucket, samples, tree)
                        SELECT * FROM unnest(\(seriesIDs)::bigint[], \(rows.map(\.key.resolution))::bigint[],
                                             \(rows.map(\.key.bucket))::bigint[], \(rows.map(\.samples))::bigint[],
                                             \(rows.map(\.blob))::bytea[])
                        ON CONFLICT (series_id, resolution, bucket) DO UPDATE SET samples = excluded.samples, tree = excluded.tree
                        """, logger: logger)
                    try await conn.perform(
                        """
                        UPDATE rollup_state SET rolled_up_to = \(snapshot.to), newest_start = GREATEST(newest_start, \(newest)),
                                                version = version + 1
                        WHERE id = 1
                        """, logger: logger)
                    return true
                }
            } catch let error as PSQLError where error.isMissingPartition && !partitionRetried {
                // Dropped by a retention pass meanwhile: it bumped the version too,
                // so the batch is read again.
                partitionRetried = true
                partitions.forgetAll()
                continue
            }
            if written { return snapshot.profiles }
        }
    }

    /// The watermark and the version, read again before a pass writes, the
    /// row locked so that no other write moves them until this one commits.
    static func lockedRollupState(_ conn: PostgresConnection, logger: Logger) async throws -> (Int64, Int64) {
        try await conn.query("SELECT rolled_up_to, version FROM rollup_state WHERE id = 1 FOR UPDATE", logger: logger)
            .firstRow((Int64, Int64).self) ?? (Int64(0), Int64(0))
    }

    /// The watermark and the version a pass read.
    static func rollupState(_ conn: PostgresConnection, logger: Logger) async throws -> (rolledUpTo: Int64, version: Int64) {
        let (rolledUpTo, version) =
            try await conn.query("SELECT rolled_up_to, version FROM rollup_state WHERE id = 1", logger: logger)
            .firstRow((Int64, Int64).self) ?? (Int64(0), Int64(0))
        return (rolledUpTo, version)
    }

    /// Per coarse resolution, the end of its built buckets.
    static func builtThrough(_ conn: PostgresConnection, logger: Logger) async throws -> [Int64: Int64] {
        var built: [Int64: Int64] = [:]
        let rows = try await conn.query("SELECT resolution, through FROM rollup_built", logger: logger)
        for try await (resolution, through) in rows.decode((Int64, Int64).self) { built[resolution] = through }
        return built
    }

    /// The next profiles after the watermark, up to `upTo`, with the stored
    /// rows they go into.
    static func readRollupBatch(_ conn: PostgresConnection, batch: Int, upTo safe: Int64, logger: Logger) async throws -> RollupBatch? {
        let (from, version) = try await rollupState(conn, logger: logger)
        let ids = try await conn.query(
            "SELECT id FROM profile WHERE id > \(from) AND id <= \(safe) ORDER BY id LIMIT \(Int64(max(1, batch)))", logger: logger
        ).all(Int64.self)
        guard let to = ids.last else { return nil }
        var trees: [(app: Int64, series: Int64, start: Double, blob: Data)] = []
        let rows = try await conn.query(
            """
            SELECT p.app_id, t.series_id, p.start, t.tree
            FROM profile p JOIN profile_tree t ON t.profile_id = p.id AND t.start = p.start
            WHERE p.id > \(from) AND p.id <= \(to)
            """, logger: logger)
        for try await (app, series, start, blob) in rows.decode((Int64, Int64, Double, Data).self) {
            trees.append((app, series, start, blob))
        }
        var batch = RollupBatch(
            from: from, to: to, version: version, profiles: ids.count, trees: trees, existing: [:],
            built: try await builtThrough(conn, logger: logger))
        var keys = Set<RollupKey>()
        for t in trees { keys.formUnion(batch.keys(for: t)) }
        var allSeries: [Int64: Int64] = [:]
        for app in Set(trees.map(\.app)) {
            allSeries[app] = try await rollupSeries(conn, appID: app, selected: nil, logger: logger).first
        }
        // The stored rows of those keys, in one statement.
        var byRow: [RollupRowKey: RollupKey] = [:]
        for key in keys {
            guard let seriesID = key.seriesID(allSeries: allSeries) else { continue }
            byRow[RollupRowKey(series: seriesID, resolution: key.resolution, bucket: key.bucket)] = key
        }
        guard !byRow.isEmpty else { return batch }
        let wanted = Array(byRow.keys)
        let existing = try await conn.query(
            """
            SELECT r.series_id, r.resolution, r.bucket, r.tree
            FROM unnest(\(wanted.map(\.series))::bigint[], \(wanted.map(\.resolution))::bigint[], \(wanted.map(\.bucket))::bigint[])
                AS u(series_id, resolution, bucket)
            JOIN rollup r ON r.series_id = u.series_id AND r.resolution = u.resolution AND r.bucket = u.bucket
            """, logger: logger)
        for try await (series, resolution, bucket, blob) in existing.decode((Int64, Int64, Int64, Data).self) {
            if let key = byRow[RollupRowKey(series: series, resolution: resolution, bucket: bucket)] { batch.existing[key] = blob }
        }
        return batch
    }

}
