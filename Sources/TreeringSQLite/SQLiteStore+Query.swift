import Foundation
import GRDB
import TreeringCore
import TreeringStore

extension SQLiteStore {
    /// The app's call tree merged over the query's range and series, from
    /// rollups where whole buckets fit (see `RollupPlan`) and raw profiles
    /// elsewhere, all read in one snapshot. Nil when the app is unknown.
    public func queryTree(_ query: AppQuery) async throws -> LoadedTree? {
        guard let read = try await writer.read({ db in try Self.readQuery(db, query, naive: false) }) else { return nil }
        return try await merged(read)
    }

    /// The same tree by merging every profile of the range one by one: the
    /// baseline the benchmark measures the rollups against.
    public func queryTreeNaively(_ query: AppQuery) async throws -> LoadedTree? {
        guard let read = try await writer.read({ db in try Self.readQuery(db, query, naive: true) }) else { return nil }
        return try await merged(read)
    }

    /// The trees merged, with the frames they name.
    func merged(_ read: QueryRead) async throws -> LoadedTree {
        let tree = try await StoredTrees.merge(read.blobs)
        return LoadedTree(tree: tree, frames: try await frames(ids: tree.usedFrames), intervalMs: read.intervalMs)
    }

    /// The series a filter picks: nil means every series (read from the
    /// app's merged `*` series), an empty list means none.
    static func selectedSeries(_ db: Database, appID: Int64, filter: LabelFilter) throws -> [Int64]? {
        if filter.isEmpty { return nil }
        return try Row.fetchAll(
            db, sql: "SELECT id, labels FROM series WHERE app_id = ? AND labels != ?", arguments: [appID, SeriesLabels.all]
        )
        .filter { filter.matches(SeriesLabels.decode($0["labels"])) }
        .map { $0["id"] }
    }

    /// The series whose rollup rows a query reads: the filter's, or the
    /// app's merged `*` series (none yet when nothing was rolled up).
    static func rollupSeries(_ db: Database, appID: Int64, selected: [Int64]?) throws -> [Int64] {
        if let selected { return selected }
        return try Int64.fetchAll(db, sql: "SELECT id FROM series WHERE app_id = ? AND labels = ?", arguments: [appID, SeriesLabels.all])
    }

    /// The app's id, or nil when it never sent anything (queries answer 404).
    public func appExists(_ name: String) async throws -> Bool {
        try await writer.read { db in try Self.existingAppID(db, name: name) != nil }
    }

    static func existingAppID(_ db: Database, name: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM app WHERE name = ?", arguments: [name])
    }

    /// The newest profile id the rollups hold.
    static func rolledUpTo(_ db: Database) throws -> Int64 {
        try rollupState(db).rolledUpTo
    }

    /// Ids bound as one JSON array argument, read with `IN (SELECT value FROM
    /// json_each(?))`: the statement text stays the same whatever the list,
    /// so it is compiled once and cached.
    static func jsonIDs(_ ids: [Int64]) -> String { "[" + ids.map(String.init).joined(separator: ",") + "]" }

    static func readQuery(_ db: Database, _ query: AppQuery, naive: Bool) throws -> QueryRead? {
        guard let appID = try Self.existingAppID(db, name: query.app) else { return nil }
        let interval =
            try Double.fetchOne(
                db, sql: "SELECT interval_ms FROM profile WHERE app_id = ? AND start >= ? AND start < ? ORDER BY id DESC LIMIT 1",
                arguments: [appID, query.from, query.until]) ?? 10
        var read = QueryRead(blobs: [], intervalMs: interval)
        let selected = try selectedSeries(db, appID: appID, filter: query.filter)
        if selected?.isEmpty == true || query.from >= query.until { return read }
        // Raw trees of profiles starting in [from, until) with ids in (low, high].
        func raw(_ from: Double, _ until: Double, low: Int64, high: Int64) throws {
            let seriesCondition = selected == nil ? "" : "AND t.series_id IN (SELECT value FROM json_each(?))"
            // Uploads not yet rolled up are the newest ids: walk those by id
            // (unary + keeps SQLite off the start index, which would scan the
            // whole range); slivers are short time ranges: walk them by start.
            let recent = low > 0 && high == .max
            let app = recent ? "+p.app_id" : "p.app_id", start = recent ? "+p.start" : "p.start"
            read.blobs += try Data.fetchAll(
                db,
                sql: """
                    SELECT t.tree FROM profile p JOIN profile_tree t ON t.profile_id = p.id
                    WHERE \(app) = ? AND \(start) >= ? AND \(start) < ? AND p.id > ? AND p.id <= ? \(seriesCondition)
                    """,
                arguments: [appID, from, until, low, high] + (selected.map { [jsonIDs($0)] } ?? []))
        }
        if naive {
            try raw(query.from, query.until, low: 0, high: .max)
            return read
        }
        let rolledUpTo = try Self.rolledUpTo(db)
        let plan = RollupPlan(from: query.from, until: query.until, builtThrough: try builtThrough(db))
        let series = try rollupSeries(db, appID: appID, selected: selected)
        if !series.isEmpty {
            for run in plan.runs {
                read.blobs += try Data.fetchAll(
                    db,
                    sql: """
                        SELECT tree FROM rollup
                        WHERE series_id IN (SELECT value FROM json_each(?)) AND resolution = ? AND bucket >= ? AND bucket < ?
                        """,
                    arguments: [jsonIDs(series), run.resolution, run.start, run.end])
            }
        }
        for sliver in plan.slivers { try raw(sliver.from, sliver.until, low: 0, high: rolledUpTo) }
        // Profiles stored since the last rollup pass.
        try raw(query.from, query.until, low: rolledUpTo, high: .max)
        return read
    }

    /// Samples per `step` seconds (a multiple of 60) over the query; steps
    /// start at multiples of `step`.
    public func timeline(_ query: AppQuery, step: Int64) async throws -> [TimelinePoint]? {
        precondition(step >= 60 && step % 60 == 0, "step must be a multiple of 60 s")
        return try await writer.read { db -> [TimelinePoint]? in
            guard let appID = try Self.existingAppID(db, name: query.app) else { return nil }
            let first = RollupPlan.floor(query.from, step)
            let count = max(0, RollupPlan.floor(query.until - 0.000_001, step) - first) / step + 1
            var points = (0..<count).map { TimelinePoint(start: first + $0 * step, samples: 0) }
            guard query.from < query.until else { return [] }
            let selected = try Self.selectedSeries(db, appID: appID, filter: query.filter)
            if selected?.isEmpty == true { return points }
            func add(_ time: Double, _ samples: Int64) {
                let i = Int((RollupPlan.floor(time, step) - first) / step)
                if i >= 0 && i < points.count { points[i].samples.addSaturating(samples) }
            }
            let rolledUpTo = try Self.rolledUpTo(db)
            let series = try Self.rollupSeries(db, appID: appID, selected: selected)
            if !series.isEmpty {
                // The coarsest resolution that divides the step, and finer
                // ones past the end of its built buckets.
                let built = try Self.builtThrough(db)
                var at = first
                let end = first + count * step
                for resolution in RollupPlan.resolutions.filter({ step % $0 == 0 }).reversed() where at < end {
                    let until = min(end, built[resolution] ?? end)
                    guard at < until else { continue }
                    let rows = try Row.fetchCursor(
                        db,
                        sql: """
                            SELECT bucket, SUM(samples) AS samples FROM rollup
                            WHERE series_id IN (SELECT value FROM json_each(?)) AND resolution = ? AND bucket >= ? AND bucket < ?
                            GROUP BY bucket
                            """,
                        arguments: [Self.jsonIDs(series), resolution, at, until])
                    while let row = try rows.next() { add(Double(row["bucket"] as Int64), row["samples"]) }
                    at = until
                }
            }
            let seriesCondition = selected == nil ? "" : "AND t.series_id IN (SELECT value FROM json_each(?))"
            let recent = try Row.fetchCursor(
                db,
                sql: """
                    SELECT p.start, SUM(t.samples) AS samples FROM profile p JOIN profile_tree t ON t.profile_id = p.id
                    WHERE +p.app_id = ? AND p.id > ? AND +p.start >= ? AND +p.start < ? \(seriesCondition) GROUP BY p.id
                    """,
                arguments: [appID, rolledUpTo, Double(first), Double(first + count * step)] + (selected.map { [Self.jsonIDs($0)] } ?? []))
            while let row = try recent.next() { add(row["start"], row["samples"]) }
            return points
        }
    }

    /// Label names and the values seen for each, in series that have data in
    /// the range (to the minute).
    public func labels(app: String, from: Double, until: Double) async throws -> [String: [String]]? {
        try await writer.read { db -> [String: [String]]? in
            guard let appID = try Self.existingAppID(db, name: app) else { return nil }
            let rolledUpTo = try Self.rolledUpTo(db)
            // Series with rolled-up data in the range (by the rollup key), and
            // series of uploads not rolled up yet (the newest ids).
            let recent = try Int64.fetchSet(
                db,
                sql: """
                    SELECT DISTINCT t.series_id FROM profile p JOIN profile_tree t ON t.profile_id = p.id
                    WHERE p.id > ? AND +p.app_id = ? AND +p.start >= ? AND +p.start < ?
                    """,
                arguments: [rolledUpTo, appID, from, until])
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, labels FROM series WHERE app_id = ? AND labels != ?", arguments: [appID, SeriesLabels.all]
            ).filter { row in
                let id: Int64 = row["id"]
                return try recent.contains(id)
                    || Bool.fetchOne(
                        db, sql: "SELECT 1 FROM rollup WHERE series_id = ? AND resolution = 60 AND bucket >= ? AND bucket < ? LIMIT 1",
                        arguments: [id, RollupPlan.floor(from, 60), until]) == true
            }
            var values: [String: Set<String>] = [:]
            for row in rows {
                for (key, value) in SeriesLabels.decode(row["labels"]) { values[key, default: []].insert(value) }
            }
            return values.mapValues { $0.sorted() }
        }
    }
}

extension SQLiteStore {
    /// The label names the app's series carry (thread, host, tags), for
    /// telling a misspelt query parameter from a filter; nil when the app is unknown.
    public func labelNames(app: String) async throws -> Set<String>? {
        try await writer.read { db -> Set<String>? in
            guard let appID = try Self.existingAppID(db, name: app) else { return nil }
            var names: Set<String> = []
            let rows = try String.fetchCursor(
                db, sql: "SELECT labels FROM series WHERE app_id = ? AND labels != ?", arguments: [appID, SeriesLabels.all])
            while let labels = try rows.next() { names.formUnion(SeriesLabels.decode(labels).keys) }
            return names
        }
    }
}
