import Foundation
import GRDB
import TreeringCore
import TreeringStore

extension SQLiteStore {
    /// Adds the profiles stored since the last call (at most `batch` of them)
    /// to the minute rollups (and to coarser buckets already built, for late
    /// uploads), then builds the coarser buckets that have closed; returns
    /// how many profiles it added. The CPU work (decoding, merging,
    /// encoding) runs outside the write transaction, so ingest is not held
    /// up; if another rollup or a retention pass changed the rows meanwhile,
    /// nothing is written and the batch is done again.
    @discardableResult
    public func rollUp(batch: Int = 1_000) async throws -> Int {
        let added = try await addToRollups(batch: batch)
        try await buildClosedBuckets()
        return added
    }

    func addToRollups(batch: Int) async throws -> Int {
        while true {
            let snapshot = try await writer.read { db in try Self.readRollupBatch(db, batch: batch) }
            guard let snapshot else { return 0 }
            // An agent's clock far ahead must not close the buckets of everyone else.
            let newest = min(snapshot.trees.map(\.start).max() ?? 0, Date().timeIntervalSince1970 + 600)
            // Encoded before the write transaction: ingest waits behind it,
            // and encoding a pass's coarse rows takes longer than writing them.
            let rows = try snapshot.merged().map { key, tree in
                (key: key, samples: tree.totalCount, blob: Data(TreeBlobCodec.encode(tree)))
            }
            let written = try await writer.write { db -> Bool in
                guard try Self.rollupState(db) == (snapshot.from, snapshot.version) else { return false }
                var allSeries: [Int64: Int64] = [:]
                let upsert = try db.cachedStatement(
                    sql: """
                        INSERT INTO rollup (series_id, resolution, bucket, samples, tree) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (series_id, resolution, bucket) DO UPDATE SET samples = excluded.samples, tree = excluded.tree
                        """)
                for (key, samples, blob) in rows {
                    let seriesID: Int64
                    switch key.series {
                    case .one(let id): seriesID = id
                    case .all(let app):
                        if allSeries[app] == nil { allSeries[app] = try Self.seriesID(db, appID: app, labels: SeriesLabels.all) }
                        seriesID = allSeries[app]!
                    }
                    try upsert.execute(arguments: [seriesID, key.resolution, key.bucket, samples, blob])
                }
                try db.execute(
                    sql: """
                        UPDATE rollup_state SET rolled_up_to = ?, newest_start = MAX(newest_start, ?), version = version + 1
                        WHERE id = 1
                        """,
                    arguments: [snapshot.to, newest])
                return true
            }
            if written { return snapshot.profiles }
        }
    }

    /// The watermark and the version a pass read, compared again before it writes.
    static func rollupState(_ db: Database) throws -> (rolledUpTo: Int64, version: Int64) {
        let row = try Row.fetchOne(db, sql: "SELECT rolled_up_to, version FROM rollup_state WHERE id = 1")!
        return (row["rolled_up_to"], row["version"])
    }

    static func readRollupBatch(_ db: Database, batch: Int) throws -> RollupBatch? {
        let (from, version) = try rollupState(db)
        let ids = try Int64.fetchAll(
            db, sql: "SELECT id FROM profile WHERE id > ? ORDER BY id LIMIT ?", arguments: [from, batch])
        guard let to = ids.last else { return nil }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT p.app_id, p.start, t.series_id, t.tree FROM profile p JOIN profile_tree t ON t.profile_id = p.id
                WHERE p.id > ? AND p.id <= ?
                """,
            arguments: [from, to])
        let trees = rows.map {
            (app: $0["app_id"] as Int64, series: $0["series_id"] as Int64, start: $0["start"] as Double, blob: $0["tree"] as Data)
        }
        var batch = RollupBatch(
            from: from, to: to, version: version, profiles: ids.count, trees: trees, existing: [:], built: try builtThrough(db))
        var keys = Set<RollupKey>()
        for t in trees { keys.formUnion(batch.keys(for: t)) }
        var allSeries: [Int64: Int64] = [:]
        for app in Set(trees.map(\.app)) {
            allSeries[app] = try rollupSeries(db, appID: app, selected: nil).first
        }
        let select = try db.cachedStatement(sql: "SELECT tree FROM rollup WHERE series_id = ? AND resolution = ? AND bucket = ?")
        for key in keys {
            guard let seriesID = key.seriesID(allSeries: allSeries) else { continue }
            if let blob = try Data.fetchOne(select, arguments: [seriesID, key.resolution, key.bucket]) {
                batch.existing[key] = blob
            }
        }
        return batch
    }

    /// Per coarse resolution, the end of its built buckets.
    static func builtThrough(_ db: Database) throws -> [Int64: Int64] {
        var built: [Int64: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT resolution, through FROM rollup_built") {
            built[row["resolution"]] = row["through"]
        }
        return built
    }

    // MARK: building closed buckets

    /// Builds, from the finer rows, the coarse buckets that closed behind the
    /// newest upload rolled up (`RollupPlan.closedEnd`), one bucket of one
    /// resolution per transaction, finest first; returns the rows written.
    @discardableResult
    public func buildClosedBuckets() async throws -> Int {
        var written = 0
        while true {
            guard let work = try await writer.read({ db in try Self.readBuildWork(db) }) else { return written }
            var mergers: [Int64: TreeMerger] = [:]
            for (series, blob) in work.finer { try mergers[series, default: TreeMerger()].add(blob) }
            let rows = mergers.map { series, merger in
                let tree = merger.finish()
                return (series: series, samples: tree.totalCount, blob: Data(TreeBlobCodec.encode(tree)))
            }
            let done = try await writer.write { db -> Bool in
                guard try Self.rollupState(db).version == work.version else { return false }
                // Rows of a bucket not built yet are stale (kept by a database
                // from before building on close): the built ones replace them.
                try db.execute(
                    sql: "DELETE FROM rollup WHERE resolution = ? AND bucket >= ? AND bucket < ?",
                    arguments: [work.resolution, work.from, work.until])
                let insert = try db.cachedStatement(
                    sql: "INSERT INTO rollup (series_id, resolution, bucket, samples, tree) VALUES (?, ?, ?, ?, ?)")
                for row in rows {
                    try insert.execute(arguments: [row.series, work.resolution, work.until - work.resolution, row.samples, row.blob])
                }
                try db.execute(sql: "UPDATE rollup_built SET through = ? WHERE resolution = ?", arguments: [work.until, work.resolution])
                try db.execute(sql: "UPDATE rollup_state SET version = version + 1 WHERE id = 1")
                return true
            }
            if done { written += rows.count }
        }
    }

    static func readBuildWork(_ db: Database) throws -> BuildWork? {
        let version = try rollupState(db).version
        let newest = try Double.fetchOne(db, sql: "SELECT newest_start FROM rollup_state WHERE id = 1") ?? 0
        let built = try builtThrough(db)
        // Finest first: a coarse bucket is built from finer buckets already built.
        for (finer, resolution) in zip(RollupPlan.resolutions, RollupPlan.resolutions.dropFirst()) {
            guard let from = built[resolution] else { continue }
            let closed = RollupPlan.closedEnd(newestStart: newest, resolution: resolution)
            guard from < closed else { continue }
            guard
                let first = try Int64.fetchOne(
                    db, sql: "SELECT MIN(bucket) FROM rollup WHERE resolution = ? AND bucket >= ? AND bucket < ?",
                    arguments: [finer, from, closed])
            else {
                return BuildWork(version: version, resolution: resolution, from: from, until: closed, finer: [])
            }
            let bucket = RollupPlan.floor(Double(first), resolution)
            let rows = try Row.fetchAll(
                db, sql: "SELECT series_id, tree FROM rollup WHERE resolution = ? AND bucket >= ? AND bucket < ?",
                arguments: [finer, bucket, bucket + resolution])
            return BuildWork(
                version: version, resolution: resolution, from: from, until: bucket + resolution,
                finer: rows.map { (series: $0["series_id"], blob: $0["tree"]) })
        }
        return nil
    }
}
