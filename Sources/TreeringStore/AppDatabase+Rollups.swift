import Foundation
import GRDB
import TreeringCore

extension AppDatabase {
    /// Labels of the series that holds all of an app's series merged. Stored
    /// labels are canonical JSON objects, so no real series can have these.
    static let allSeriesLabels = "*"

    /// Adds the profiles stored since the last call (at most `batch` of them)
    /// to the rollups and returns how many it added. The CPU work (decoding,
    /// merging, encoding) runs outside the write transaction, so ingest is
    /// not held up; if another rollup or a retention pass changed the rows
    /// meanwhile, nothing is written and the batch is done again.
    @discardableResult
    public func rollUp(batch: Int = 1_000) async throws -> Int {
        while true {
            let snapshot = try await writer.read { db in try Self.readRollupBatch(db, batch: batch) }
            guard let snapshot else { return 0 }
            // Encoded before the write transaction: ingest waits behind it,
            // and encoding a pass's coarse rows takes longer than writing them.
            let rows = try Self.mergeBatch(snapshot).map { key, tree in
                (key: key, samples: tree.totalCount, blob: Data(TreeBlobCodec.encode(tree)))
            }
            let written = try await writer.write { db -> Bool in
                guard try Self.rollupState(db) == (snapshot.from, snapshot.version) else { return false }
                var allSeries: [Int64: Int64] = [:]
                let upsert = try db.cachedStatement(sql: """
                    INSERT INTO rollup (series_id, resolution, bucket, samples, tree) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (series_id, resolution, bucket) DO UPDATE SET samples = excluded.samples, tree = excluded.tree
                    """)
                for (key, samples, blob) in rows {
                    let seriesID: Int64
                    switch key.series {
                    case .one(let id): seriesID = id
                    case .all(let app):
                        if allSeries[app] == nil { allSeries[app] = try Self.seriesID(db, appID: app, labels: Self.allSeriesLabels) }
                        seriesID = allSeries[app]!
                    }
                    try upsert.execute(arguments: [seriesID, key.resolution, key.bucket, samples, blob])
                }
                try db.execute(
                    sql: "UPDATE rollup_state SET rolled_up_to = ?, version = version + 1 WHERE id = 1",
                    arguments: [snapshot.to])
                return true
            }
            if written { return snapshot.profiles }
        }
    }

    /// Everything one rollup pass needs, read in one snapshot.
    struct RollupBatch {
        var from: Int64
        var to: Int64
        var version: Int64
        var profiles: Int
        /// (app, series, profile start, tree blob) of each new profile tree.
        var trees: [(app: Int64, series: Int64, start: Double, blob: Data)]
        /// The stored rows those trees will be added to.
        var existing: [RollupKey: Data]
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
        let trees = rows.map { (app: $0["app_id"] as Int64, series: $0["series_id"] as Int64, start: $0["start"] as Double, blob: $0["tree"] as Data) }
        var keys = Set<RollupKey>()
        for t in trees {
            for resolution in RollupPlan.resolutions {
                let bucket = RollupPlan.floor(t.start, resolution)
                keys.insert(RollupKey(series: .one(t.series), resolution: resolution, bucket: bucket))
                keys.insert(RollupKey(series: .all(app: t.app), resolution: resolution, bucket: bucket))
            }
        }
        var allSeries: [Int64: Int64] = [:]
        for app in Set(trees.map(\.app)) {
            allSeries[app] = try rollupSeries(db, appID: app, selected: nil).first
        }
        var existing: [RollupKey: Data] = [:]
        let select = try db.cachedStatement(sql: "SELECT tree FROM rollup WHERE series_id = ? AND resolution = ? AND bucket = ?")
        for key in keys {
            let seriesID: Int64?
            switch key.series {
            case .one(let id): seriesID = id
            case .all(let app): seriesID = allSeries[app] ?? nil
            }
            guard let seriesID else { continue }
            if let blob = try Data.fetchOne(select, arguments: [seriesID, key.resolution, key.bucket]) {
                existing[key] = blob
            }
        }
        return RollupBatch(
            from: from, to: to, version: version, profiles: ids.count, trees: trees, existing: existing)
    }

    /// The new rows: minute trees built from the profiles, each coarser level
    /// from the level below (merged trees are smaller than their parts, so
    /// this is cheaper than adding every profile to every level), then the
    /// stored rows added.
    static func mergeBatch(_ batch: RollupBatch) throws -> [RollupKey: CallTree] {
        var level: [RollupKey: CallTree] = [:]
        for t in batch.trees {
            let bytes = [UInt8](t.blob)
            let minute = RollupPlan.floor(t.start, RollupPlan.resolutions[0])
            try TreeBlobCodec.merge(bytes, into: &level[RollupKey(series: .one(t.series), resolution: RollupPlan.resolutions[0], bucket: minute), default: CallTree()])
            try TreeBlobCodec.merge(bytes, into: &level[RollupKey(series: .all(app: t.app), resolution: RollupPlan.resolutions[0], bucket: minute), default: CallTree()])
        }
        var all = level
        for resolution in RollupPlan.resolutions.dropFirst() {
            var up: [RollupKey: CallTree] = [:]
            for (key, tree) in level { up[key.parent(resolution), default: CallTree()].merge(tree) }
            all.merge(up) { a, _ in a }
            level = up
        }
        for (key, blob) in batch.existing {
            try TreeBlobCodec.merge([UInt8](blob), into: &all[key]!)
        }
        return all
    }
}
