import Foundation
import Logging
import PostgresNIO
import TreeringCore
import TreeringStore

extension PostgresStore {
    /// The app's call tree merged over the query's range and series, from
    /// rollups where whole buckets fit (see `RollupPlan`) and raw profiles
    /// elsewhere, all read in one snapshot. Nil when the app is unknown.
    public func queryTree(_ query: AppQuery) async throws -> LoadedTree? {
        let logger = self.logger
        guard let read = try await read({ conn in try await Self.readQuery(conn, query, naive: false, logger: logger) }) else {
            return nil
        }
        return try await merged(read)
    }

    /// The same tree by merging every profile of the range one by one.
    public func queryTreeNaively(_ query: AppQuery) async throws -> LoadedTree? {
        let logger = self.logger
        guard let read = try await read({ conn in try await Self.readQuery(conn, query, naive: true, logger: logger) }) else {
            return nil
        }
        return try await merged(read)
    }

    /// The trees merged, with the frames they name.
    func merged(_ read: QueryRead) async throws -> LoadedTree {
        let tree = try await StoredTrees.merge(read.blobs)
        return LoadedTree(tree: tree, frames: try await frames(ids: tree.usedFrames), intervalMs: read.intervalMs)
    }

    public func appExists(_ name: String) async throws -> Bool {
        try await client.query("SELECT id FROM app WHERE name = \(name)", logger: logger).first(Int64.self) != nil
    }

    /// The series a filter picks: nil means every series (read from the
    /// app's merged `*` series), an empty list means none.
    static func selectedSeries(_ conn: PostgresConnection, appID: Int64, filter: LabelFilter, logger: Logger) async throws -> [Int64]? {
        if filter.isEmpty { return nil }
        var ids: [Int64] = []
        let rows = try await conn.query(
            "SELECT id, labels FROM series WHERE app_id = \(appID) AND labels != \(SeriesLabels.all)", logger: logger)
        for try await (id, labels) in rows.decode((Int64, String).self) where filter.matches(SeriesLabels.decode(labels)) {
            ids.append(id)
        }
        return ids
    }

    /// The series whose rollup rows a query reads: the filter's, or the
    /// app's merged `*` series (none yet when nothing was rolled up).
    static func rollupSeries(_ conn: PostgresConnection, appID: Int64, selected: [Int64]?, logger: Logger) async throws -> [Int64] {
        if let selected { return selected }
        return try await conn.query(
            "SELECT id FROM series WHERE app_id = \(appID) AND labels = \(SeriesLabels.all)", logger: logger
        ).all(Int64.self)
    }

    static func readQuery(_ conn: PostgresConnection, _ query: AppQuery, naive: Bool, logger: Logger) async throws -> QueryRead? {
        guard let appID = try await existingAppID(conn, name: query.app, logger: logger) else { return nil }
        let interval =
            try await conn.query(
                """
                SELECT interval_ms FROM profile WHERE app_id = \(appID) AND start >= \(query.from) AND start < \(query.until)
                ORDER BY id DESC LIMIT 1
                """, logger: logger
            ).first(Double.self) ?? 10
        var read = QueryRead(blobs: [], intervalMs: interval)
        let selected = try await selectedSeries(conn, appID: appID, filter: query.filter, logger: logger)
        if selected?.isEmpty == true || query.from >= query.until { return read }
        // Raw trees of profiles starting in [from, until) with ids in (low, high];
        // the trees' own start bounds pick their partitions.
        func raw(_ from: Double, _ until: Double, low: Int64, high: Int64) async throws {
            let rows = try await conn.query(
                """
                SELECT t.tree FROM profile p JOIN profile_tree t ON t.profile_id = p.id AND t.start = p.start
                WHERE p.app_id = \(appID) AND p.start >= \(from) AND p.start < \(until) AND t.start >= \(from) AND t.start < \(until)
                  AND p.id > \(low) AND p.id <= \(high) AND (\(selected)::bigint[] IS NULL OR t.series_id = ANY(\(selected)::bigint[]))
                """, logger: logger)
            read.blobs += try await rows.all(Data.self)
        }
        if naive {
            try await raw(query.from, query.until, low: 0, high: .max)
            return read
        }
        let rolledUpTo = try await rollupState(conn, logger: logger).rolledUpTo
        let plan = RollupPlan(from: query.from, until: query.until, builtThrough: try await builtThrough(conn, logger: logger))
        let series = try await rollupSeries(conn, appID: appID, selected: selected, logger: logger)
        if !series.isEmpty {
            for run in plan.runs {
                let rows = try await conn.query(
                    """
                    SELECT tree FROM rollup
                    WHERE series_id = ANY(\(series)::bigint[]) AND resolution = \(run.resolution)
                      AND bucket >= \(run.start) AND bucket < \(run.end)
                    """, logger: logger)
                read.blobs += try await rows.all(Data.self)
            }
        }
        for sliver in plan.slivers { try await raw(sliver.from, sliver.until, low: 0, high: rolledUpTo) }
        // Profiles stored since the last rollup pass.
        try await raw(query.from, query.until, low: rolledUpTo, high: .max)
        return read
    }

    /// Samples per `step` seconds (a multiple of 60) over the query; steps
    /// start at multiples of `step`.
    public func timeline(_ query: AppQuery, step: Int64) async throws -> [TimelinePoint]? {
        precondition(step >= 60 && step % 60 == 0, "step must be a multiple of 60 s")
        let logger = self.logger
        return try await read { conn -> [TimelinePoint]? in
            guard let appID = try await Self.existingAppID(conn, name: query.app, logger: logger) else { return nil }
            let first = RollupPlan.floor(query.from, step)
            let count = max(0, RollupPlan.floor(query.until - 0.000_001, step) - first) / step + 1
            var points = (0..<count).map { TimelinePoint(start: first + $0 * step, samples: 0) }
            guard query.from < query.until else { return [] }
            let selected = try await Self.selectedSeries(conn, appID: appID, filter: query.filter, logger: logger)
            if selected?.isEmpty == true { return points }
            func add(_ time: Double, _ samples: Int64) {
                let i = (RollupPlan.floor(time, step) - first) / step
                if i >= 0 && i < points.count { points[Int(i)].samples.addSaturating(samples) }
            }
            let rolledUpTo = try await Self.rollupState(conn, logger: logger).rolledUpTo
            let series = try await Self.rollupSeries(conn, appID: appID, selected: selected, logger: logger)
            if !series.isEmpty {
                // The coarsest resolution that divides the step, and finer
                // ones past the end of its built buckets.
                let built = try await Self.builtThrough(conn, logger: logger)
                var at = first
                let end = first + count * step
                for resolution in RollupPlan.resolutions.filter({ step % $0 == 0 }).reversed() where at < end {
                    let until = min(end, built[resolution] ?? end)
                    guard at < until else { continue }
                    let rows = try await conn.query(
                        """
                        SELECT bucket, LEAST(sum(samples), 9223372036854775807)::bigint FROM rollup
                        WHERE series_id = ANY(\(series)::bigint[]) AND resolution = \(resolution) AND bucket >= \(at) AND bucket < \(until)
                        GROUP BY bucket
                        """, logger: logger)
                    for try await (bucket, samples) in rows.decode((Int64, Int64).self) { add(Double(bucket), samples) }
                    at = until
                }
            }
            let recent = try await conn.query(
                """
                SELECT p.start, LEAST(sum(t.samples), 9223372036854775807)::bigint
                FROM profile p JOIN profile_tree t ON t.profile_id = p.id AND t.start = p.start
                WHERE p.app_id = \(appID) AND p.id > \(rolledUpTo) AND p.start >= \(Double(first)) AND p.start < \(Double(first + count * step))
                  AND (\(selected)::bigint[] IS NULL OR t.series_id = ANY(\(selected)::bigint[]))
                GROUP BY p.id, p.start
                """, logger: logger)
            for try await (start, samples) in recent.decode((Double, Int64).self) { add(start, samples) }
            return points
        }
    }

    /// Label names and the values seen for each, in series that have data in
    /// the range (to the minute).
    public func labels(app: String, from: Double, until: Double) async throws -> [String: [String]]? {
        let logger = self.logger
        return try await read { conn -> [String: [String]]? in
            guard let appID = try await Self.existingAppID(conn, name: app, logger: logger) else { return nil }
            let rolledUpTo = try await Self.rollupState(conn, logger: logger).rolledUpTo
            // Series of uploads not rolled up yet, and series with rolled-up
            // minutes in the range.
            let rows = try await conn.query(
                """
                SELECT s.labels FROM series s
                WHERE s.app_id = \(appID) AND s.labels != \(SeriesLabels.all) AND (
                    EXISTS (SELECT 1 FROM profile p JOIN profile_tree t ON t.profile_id = p.id AND t.start = p.start
                            WHERE t.series_id = s.id AND p.id > \(rolledUpTo) AND p.app_id = \(appID)
                              AND p.start >= \(from) AND p.start < \(until))
                    OR EXISTS (SELECT 1 FROM rollup r WHERE r.series_id = s.id AND r.resolution = 60
                               AND r.bucket >= \(RollupPlan.floor(from, 60)) AND r.bucket < \(until)))
                """, logger: logger)
            var values: [String: Set<String>] = [:]
            for try await labels in rows.decode(String.self) {
                for (key, value) in SeriesLabels.decode(labels) { values[key, default: []].insert(value) }
            }
            return values.mapValues { $0.sorted() }
        }
    }

    /// The label names the app's series carry; nil when the app is unknown.
    public func labelNames(app: String) async throws -> Set<String>? {
        let logger = self.logger
        return try await read { conn -> Set<String>? in
            guard let appID = try await Self.existingAppID(conn, name: app, logger: logger) else { return nil }
            var names: Set<String> = []
            let rows = try await conn.query(
                "SELECT labels FROM series WHERE app_id = \(appID) AND labels != \(SeriesLabels.all)", logger: logger)
            for try await labels in rows.decode(String.self) { names.formUnion(SeriesLabels.decode(labels).keys) }
            return names
        }
    }
}
