import Foundation
import Logging
import NIOCore
import PostgresNIO
import TreeringCore
import TreeringStore

extension PostgresStore {
    /// Stores several profiles of one request in one transaction: all are
    /// kept or none is. Returns only after the commit.
    public func saveProfiles(_ profiles: [Profile], now: Double) async throws -> [ProfileSummary] {
        // The CPU work happens before the transaction, which stays short
        // (see SQLiteStore.saveProfiles).
        let cache = frameCache
        let seriesCache = self.seriesCache
        let prepared = try profiles.map { profile in
            var p = try PreparedProfile(profile, now: now)
            p.encodeIfFramesAreKnown(cache)
            return p
        }
        let limits = self.limits
        let logger = self.logger
        let inserted: InsertedProfiles
        do {
            inserted = try await retryingMissingPartition(starts: profiles.map(\.metadata.start)) {
                try await self.write { conn in
                    // Before any id is drawn: a rollup pass waits for this
                    // transaction before it reads the newest id (PostgresLocks.ingest).
                    try await conn.perform("SELECT pg_advisory_xact_lock_shared(\(PostgresLocks.ingest))", logger: logger)
                    return try await Self.insert(
                        conn, prepared, cache: cache, seriesCache: seriesCache, limits: limits, logger: logger)
                }
            }
        } catch StoreError.limitReached(let limit, let message) {
            for app in Set(profiles.map(\.metadata.app)) { capNotices.record(app: app, limit: limit, message: message, at: now) }
            throw StoreError.limitReached(limit: limit, message: message)
        }
        // Only committed ids enter the cache.
        for (name, id) in inserted.apps { cache.remember(app: id, named: name) }
        for learned in inserted.frames { learned.remember(in: cache) }
        for (app, ids) in inserted.series { seriesCache.remember(app: app, ids) }
        return inserted.summaries
    }

    /// Stores the profiles in the order every upload follows: apps (by
    /// name), their frames (sorted, all profiles' at once), series (under
    /// one lock), then the rows. Two uploads that wait for each other's new
    /// rows then always wait in the same direction, never in a cycle.
    static func insert(
        _ conn: PostgresConnection, _ prepared: [PreparedProfile], cache: FrameIDCache, seriesCache: SeriesIDCache,
        limits: StoreLimits, logger: Logger
    ) async throws -> InsertedProfiles {
        var appIDs = prepared.map { $0.stored?.appID ?? 0 }
        var blobs = prepared.map { $0.stored?.blobs ?? [] }
        var inserted = InsertedProfiles(summaries: [], apps: [:], frames: [], series: [])
        let uncached = Dictionary(grouping: prepared.indices.filter { prepared[$0].stored == nil }) { prepared[$0].profile.metadata.app }
        for app in uncached.keys.sorted() {
            let appID = try await Self.appID(conn, name: app, limits: limits, logger: logger)
            var seen = Set<Frame>()
            var frames: [Frame] = []
            for i in uncached[app]! {
                for frame in prepared[i].profile.frames.frames where seen.insert(frame).inserted { frames.append(frame) }
            }
            let (ids, learned) = try await Self.internFrames(conn, appID: appID, frames: frames, cache: cache, logger: logger)
            let stored = Dictionary(uniqueKeysWithValues: zip(frames, ids))
            for i in uncached[app]! {
                let frameMap = prepared[i].profile.frames.frames.map { stored[$0]! }
                appIDs[i] = appID
                blobs[i] = prepared[i].trees.map { Data(TreeBlobCodec.encode($0.tree, frameMap: frameMap)) }
            }
            inserted.apps[app] = appID
            inserted.frames.append(learned)
        }
        var seriesIDs: [[Int64]] = []
        for (i, p) in prepared.enumerated() {
            if let known = seriesCache.lookupAll(app: appIDs[i], p.seriesLabels) {
                seriesIDs.append(known)
                continue
            }
            let ids = try await Self.seriesIDs(conn, appID: appIDs[i], labels: p.seriesLabels, limits: limits, logger: logger)
            seriesIDs.append(ids)
            inserted.series.append((appIDs[i], Array(zip(p.seriesLabels, ids))))
        }
        for (i, p) in prepared.enumerated() {
            let meta = p.profile.metadata
            let pid = meta.pid.map(Int64.init)
            let profileID = try await conn.query(
                """
                INSERT INTO profile (app_id, share_token, host, pid, runtime, agent, start, "end", interval_ms,
                                     tags, threads, samples, stacks, created_at)
                VALUES (\(appIDs[i]), \(p.summary.shareToken), \(meta.host), \(pid), \(meta.runtime), \(meta.agent), \(meta.start),
                        \(meta.end), \(meta.intervalMs), \(p.tagsJSON), \(p.threadsJSON), \(p.summary.samples),
                        \(Int64(p.summary.stacks)), \(p.summary.createdAt))
                RETURNING id
                """, logger: logger
            ).one(Int64.self)
            let samples = p.trees.map { $0.tree.totalCount }
            let trees = blobs[i].map { ByteBuffer(bytes: $0) }
            try await conn.perform(
                """
                INSERT INTO profile_tree (profile_id, start, series_id, samples, tree)
                SELECT \(profileID), \(meta.start), u.series_id, u.samples, u.tree
                FROM unnest(\(seriesIDs[i])::bigint[], \(samples)::bigint[], \(trees)::bytea[]) AS u(series_id, samples, tree)
                """, logger: logger)
            var saved = p.summary
            saved.id = profileID
            inserted.summaries.append(saved)
        }
        return inserted
    }

    /// App id by name, created if new within `limits.maxApps` (the same
    /// error as SQLiteStore.appID). Call inside a transaction.
    static func appID(_ conn: PostgresConnection, name: String, limits: StoreLimits, logger: Logger) async throws -> Int64 {
        if let id = try await existingAppID(conn, name: name, logger: logger) { return id }
        // New apps one at a time across processes, so the cap holds; read again under the lock.
        try await conn.perform("SELECT pg_advisory_xact_lock(\(PostgresLocks.apps))", logger: logger)
        if let id = try await existingAppID(conn, name: name, logger: logger) { return id }
        let apps = try await conn.query("SELECT count(*) FROM app", logger: logger).one(Int64.self)
        guard apps < limits.maxApps else {
            throw StoreError.limitReached(
                limit: "max-apps",
                message: "app: this server holds \(apps) apps, its limit (--max-apps); \"\(name.prefix(128))\" would be one more")
        }
        return try await conn.query("INSERT INTO app (name) VALUES (\(name)) RETURNING id", logger: logger).one(Int64.self)
    }

    static func existingAppID(_ conn: PostgresConnection, name: String, logger: Logger) async throws -> Int64? {
        try await conn.query("SELECT id FROM app WHERE name = \(name)", logger: logger).first(Int64.self)
    }

    /// SQLiteStore.internFrames' twin: the stored ids of the frames, new
    /// ones inserted; ids must fit Int32. Frames not cached are looked up in
    /// one statement and the rest inserted in one (`ON CONFLICT DO NOTHING`:
    /// existing rows are not locked or rewritten), in a fixed order so that
    /// concurrent uploads wait for each other rather than deadlock.
    static func internFrames(
        _ conn: PostgresConnection, appID: Int64, frames: [Frame], cache: FrameIDCache, logger: Logger
    ) async throws -> ([Int32], LearnedFrames) {
        let cached = cache.lookup(app: appID, frames)
        var map = [Int32](repeating: 0, count: frames.count)
        var places: [Frame: [Int]] = [:]
        for (i, frame) in frames.enumerated() {
            if let id = cached[i] { map[i] = id } else { places[frame, default: []].append(i) }
        }
        guard !places.isEmpty else { return (map, LearnedFrames(appID: appID, ids: [])) }
        let wanted = places.keys.sorted { ($0.name, $0.file, $0.line) < ($1.name, $1.file, $1.line) }
        var found = try await storedFrames(conn, appID: appID, wanted, logger: logger)
        let new = wanted.filter { found[$0] == nil }
        if !new.isEmpty {
            let rows = try await conn.query(
                """
                INSERT INTO frame (app_id, name, file, line)
                SELECT \(appID), u.name, u.file, u.line
                FROM unnest(\(new.map(\.name))::text[], \(new.map(\.file))::text[], \(new.map { Int64($0.line) })::bigint[])
                    AS u(name, file, line)
                ON CONFLICT (app_id, md5(name), md5(file), line) DO NOTHING
                RETURNING id, name, file, line
                """, logger: logger)
            for try await (id, name, file, line) in rows.decode((Int64, String, String, Int64).self) {
                found[Frame(name: name, file: file, line: Int(line))] = id
            }
            // Inserted meanwhile by a transaction that committed first.
            let raced = new.filter { found[$0] == nil }
            if !raced.isEmpty { found.merge(try await storedFrames(conn, appID: appID, raced, logger: logger)) { a, _ in a } }
        }
        var learned: [(frame: Frame, id: Int32)] = []
        for frame in wanted {
            guard let id = found[frame] else { throw PostgresStoreError.frameNotStored(frame) }
            guard id >= 0, id <= Int64(Int32.max) else { throw StoreError.frameIDSpaceExhausted }
            for i in places[frame]! { map[i] = Int32(id) }
            learned.append((frame, Int32(id)))
        }
        return (map, LearnedFrames(appID: appID, ids: learned))
    }

    /// The stored ids of those frames that are stored.
    static func storedFrames(
        _ conn: PostgresConnection, appID: Int64, _ frames: [Frame], logger: Logger
    ) async throws -> [Frame: Int64] {
        let rows = try await conn.query(
            """
            SELECT f.id, u.name, u.file, u.line
            FROM unnest(\(frames.map(\.name))::text[], \(frames.map(\.file))::text[], \(frames.map { Int64($0.line) })::bigint[])
                AS u(name, file, line)
            JOIN frame f ON f.app_id = \(appID) AND md5(f.name) = md5(u.name) AND md5(f.file) = md5(u.file)
                AND f.line = u.line AND f.name = u.name AND f.file = u.file
            """, logger: logger)
        var found: [Frame: Int64] = [:]
        for try await (id, name, file, line) in rows.decode((Int64, String, String, Int64).self) {
            found[Frame(name: name, file: file, line: Int(line))] = id
        }
        return found
    }

    /// The ids of an upload's series, the new ones created once they pass
    /// the caps (SeriesCaps.check).
    static func seriesIDs(
        _ conn: PostgresConnection, appID: Int64, labels: [String], limits: StoreLimits, logger: Logger
    ) async throws -> [Int64] {
        var ids = try await storedSeries(conn, appID: appID, Array(Set(labels)), logger: logger)
        if labels.allSatisfy({ ids[$0] != nil }) { return labels.map { ids[$0]! } }
        // New series one at a time across processes, so the caps hold; read again under the lock.
        try await conn.perform("SELECT pg_advisory_xact_lock(\(PostgresLocks.series))", logger: logger)
        ids = try await storedSeries(conn, appID: appID, Array(Set(labels)), logger: logger)
        let new = Set(labels.filter { ids[$0] == nil }).sorted()
        if !new.isEmpty {
            var existing: [String] = []
            let rows = try await conn.query(
                "SELECT labels FROM series WHERE app_id = \(appID) AND labels != \(SeriesLabels.all)", logger: logger)
            for try await labels in rows.decode(String.self) { existing.append(labels) }
            try SeriesCaps.check(new: new, existing: existing, limits: limits)
            for label in new { ids[label] = try await seriesID(conn, appID: appID, labels: label, logger: logger) }
        }
        return labels.map { ids[$0]! }
    }

    static func storedSeries(
        _ conn: PostgresConnection, appID: Int64, _ labels: [String], logger: Logger
    ) async throws -> [String: Int64] {
        let rows = try await conn.query(
            """
            SELECT s.id, s.labels FROM unnest(\(labels)::text[]) AS u(labels)
            JOIN series s ON s.app_id = \(appID) AND md5(s.labels) = md5(u.labels) AND s.labels = u.labels
            """, logger: logger)
        var ids: [String: Int64] = [:]
        for try await (id, labels) in rows.decode((Int64, String).self) { ids[labels] = id }
        return ids
    }

    /// The series' id, created if new; no caps (the rollups' `*` series, or
    /// after SeriesCaps.check).
    static func seriesID(_ conn: PostgresConnection, appID: Int64, labels: String, logger: Logger) async throws -> Int64 {
        if let id = try await conn.query(
            """
            INSERT INTO series (app_id, labels) VALUES (\(appID), \(labels))
            ON CONFLICT (app_id, md5(labels)) DO NOTHING RETURNING id
            """, logger: logger
        ).first(Int64.self) {
            return id
        }
        return try await conn.query(
            "SELECT id FROM series WHERE app_id = \(appID) AND md5(labels) = md5(\(labels)) AND labels = \(labels)", logger: logger
        ).one(Int64.self)
    }
}
