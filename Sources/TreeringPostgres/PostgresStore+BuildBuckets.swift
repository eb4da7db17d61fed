import Foundation
import Logging
import NIOCore
import PostgresNIO
import TreeringCore
import TreeringStore

extension PostgresStore {
    /// Builds, from the finer rows, the coarse buckets that closed behind the
    /// newest upload rolled up (`RollupPlan.closedEnd`), one bucket of one
    /// resolution per transaction, finest first; returns the rows written.
    /// Runs inside a rollup pass (under its lock).
    @discardableResult
    func buildClosedBuckets() async throws -> Int {
        let logger = self.logger
        var written = 0
        while true {
            guard let work = try await read({ conn in try await Self.readBuildWork(conn, logger: logger) }) else { return written }
            var mergers: [Int64: TreeMerger] = [:]
            for (series, blob) in work.finer { try mergers[series, default: TreeMerger()].add(blob) }
            let rows = mergers.map { series, merger in
                let tree = merger.finish()
                return (series: series, samples: tree.totalCount, blob: ByteBuffer(bytes: TreeBlobCodec.encode(tree)))
            }
            let bucket = work.until - work.resolution
            if !rows.isEmpty { try await ensurePartitions([PartitionDay(table: "rollup", time: Double(bucket))]) }
            let done = try await write { conn -> Bool in
                guard try await Self.lockedRollupState(conn, logger: logger).1 == work.version else { return false }
                // Rows of a bucket not built yet are stale: the built ones replace them.
                try await conn.perform(
                    """
                    DELETE FROM rollup WHERE resolution = \(work.resolution) AND bucket >= \(work.from) AND bucket < \(work.until)
                    """, logger: logger)
                if !rows.isEmpty {
                    try await conn.perform(
                        """
                        INSERT INTO rollup (series_id, resolution, bucket, samples, tree)
                        SELECT u.series_id, \(work.resolution), \(bucket), u.samples, u.tree
                        FROM unnest(\(rows.map(\.series))::bigint[], \(rows.map(\.samples))::bigint[], \(rows.map(\.blob))::bytea[])
                            AS u(series_id, samples, tree)
                        """, logger: logger)
                }
                try await conn.perform(
                    "UPDATE rollup_built SET through = \(work.until) WHERE resolution = \(work.resolution)", logger: logger)
                try await conn.perform("UPDATE rollup_state SET version = version + 1 WHERE id = 1", logger: logger)
                return true
            }
            if done { written += rows.count }
        }
    }

    static func readBuildWork(_ conn: PostgresConnection, logger: Logger) async throws -> BuildWork? {
        let version = try await rollupState(conn, logger: logger).version
        let newest =
            try await conn.query("SELECT newest_start FROM rollup_state WHERE id = 1", logger: logger).first(Double.self) ?? 0
        let built = try await builtThrough(conn, logger: logger)
        // Finest first: a coarse bucket is built from finer buckets already built.
        for (finer, resolution) in zip(RollupPlan.resolutions, RollupPlan.resolutions.dropFirst()) {
            guard let from = built[resolution] else { continue }
            let closed = RollupPlan.closedEnd(newestStart: newest, resolution: resolution)
            guard from < closed else { continue }
            guard
                let first = try await conn.query(
                    "SELECT min(bucket) FROM rollup WHERE resolution = \(finer) AND bucket >= \(from) AND bucket < \(closed)",
                    logger: logger
                ).first(Int64?.self) ?? nil
            else {
                return BuildWork(version: version, resolution: resolution, from: from, until: closed, finer: [])
            }
            let bucket = RollupPlan.floor(Double(first), resolution)
            var finerRows: [(series: Int64, blob: Data)] = []
            let rows = try await conn.query(
                "SELECT series_id, tree FROM rollup WHERE resolution = \(finer) AND bucket >= \(bucket) AND bucket < \(bucket + resolution)",
                logger: logger)
            for try await (series, blob) in rows.decode((Int64, Data).self) { finerRows.append((series, blob)) }
            return BuildWork(version: version, resolution: resolution, from: from, until: bucket + resolution, finer: finerRows)
        }
        return nil
    }
}
