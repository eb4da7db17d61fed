import Foundation
import GRDB
import TreeringCore
import TreeringStore

extension SQLiteStore {
    /// Removes every profile that started before the minute holding `cutoff`,
    /// and the rollups of those minutes: a coarser bucket that straddles the
    /// cutoff is rebuilt from the finer buckets that remain, so a query
    /// never counts removed samples. Works in small transactions so ingest
    /// goes on meanwhile. Returns how many profiles it removed.
    @discardableResult
    public func removeData(before cutoff: Double, chunk: Int = 500) async throws -> Int {
        let boundary = RollupPlan.floor(cutoff, RollupPlan.resolutions[0])
        var removed = 0
        while true {
            let n = try await writer.write { db -> Int in
                try db.execute(
                    sql: "DELETE FROM profile WHERE id IN (SELECT id FROM profile WHERE start < ? LIMIT ?)",
                    arguments: [Double(boundary), chunk])
                let n = db.changesCount
                // A rollup pass that read these profiles must not write them back.
                if n > 0 { try db.execute(sql: "UPDATE rollup_state SET version = version + 1 WHERE id = 1") }
                return n
            }
            removed += n
            if n < chunk { break }
        }
        let series = try await writer.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM series") }
        for part in stride(from: 0, to: series.count, by: 200) {
            let ids = Array(series[part..<min(part + 200, series.count)])
            try await writer.write { db in
                for id in ids { try Self.trimRollups(db, series: id, boundary: boundary) }
                try db.execute(sql: "UPDATE rollup_state SET version = version + 1 WHERE id = 1")
            }
        }
        return removed
    }

    /// One series' rollups: buckets wholly before the boundary go, the one
    /// bucket per resolution that straddles it is merged again from the
    /// resolution below (already trimmed).
    static func trimRollups(_ db: Database, series: Int64, boundary: Int64) throws {
        var finer: Int64?
        for resolution in RollupPlan.resolutions {
            try db.execute(
                sql: "DELETE FROM rollup WHERE series_id = ? AND resolution = ? AND bucket <= ?",
                arguments: [series, resolution, boundary - resolution])
            let straddling = RollupPlan.floor(Double(boundary), resolution)
            defer { finer = resolution }
            guard let finer, straddling < boundary,
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM rollup WHERE series_id = ? AND resolution = ? AND bucket = ?",
                    arguments: [series, resolution, straddling]) == true
            else { continue }
            var merger = TreeMerger()
            for blob in try Data.fetchAll(
                db, sql: "SELECT tree FROM rollup WHERE series_id = ? AND resolution = ? AND bucket >= ? AND bucket < ?",
                arguments: [series, finer, straddling, straddling + resolution])
            {
                try merger.add(blob)
            }
            let tree = merger.finish()
            if tree.totalCount == 0 {
                try db.execute(
                    sql: "DELETE FROM rollup WHERE series_id = ? AND resolution = ? AND bucket = ?",
                    arguments: [series, resolution, straddling])
            } else {
                try db.execute(
                    sql: "UPDATE rollup SET samples = ?, tree = ? WHERE series_id = ? AND resolution = ? AND bucket = ?",
                    arguments: [tree.totalCount, Data(TreeBlobCodec.encode(tree)), series, resolution, straddling])
            }
        }
    }

    /// Removes sessions created before `cutoff`, with their requests. A
    /// session still running is kept until it is over (a time limit may be
    /// longer than the retention). Returns how many it removed.
    @discardableResult
    public func removeSessions(before cutoff: Double, now: Double = Date().timeIntervalSince1970, chunk: Int = 50) async throws -> Int {
        try await expireSessions(now: now)
        var removed = 0
        while true {
            // A chunk's requests (up to N each) go with it: transactions stay short.
            let n = try await writer.write { db -> Int in
                try db.execute(
                    sql: """
                        DELETE FROM session WHERE id IN
                            (SELECT id FROM session WHERE created_at < ? AND (state != 'running' OR until <= ?) LIMIT ?)
                        """,
                    arguments: [cutoff, now, chunk])
                return db.changesCount
            }
            removed += n
            if n < chunk { return removed }
        }
    }
}
