import Foundation
import GRDB
import TreeringCore
import TreeringStore

extension SQLiteStore {
    /// Stores one upload: its frames interned for the app, one call tree per
    /// series. Returns only after the transaction has committed.
    public func saveProfile(_ profile: Profile, now: Double = Date().timeIntervalSince1970) async throws -> ProfileSummary {
        try await saveProfiles([profile], now: now)[0]
    }

    /// Stores several profiles of one request (a Pyroscope push carries one
    /// per series) in one transaction: all are kept or none is.
    public func saveProfiles(_ profiles: [Profile], now: Double = Date().timeIntervalSince1970) async throws -> [ProfileSummary] {
        // The CPU work happens before the write transaction, which stays
        // short: every upload waits for it. Once an app's frames are known
        // (nearly every upload of a running agent), that includes mapping
        // them to stored ids and encoding the trees.
        let cache = frameCache
        let prepared = try profiles.map { profile in
            var p = try PreparedProfile(profile, now: now)
            p.encodeIfFramesAreKnown(cache)
            return p
        }
        let limits = self.limits
        let inserted: [(summary: ProfileSummary, learned: LearnedFrames)]
        do {
            inserted = try await writer.write { db in try prepared.map { try Self.insert(db, $0, cache: cache, limits: limits) } }
        } catch StoreError.limitReached(let limit, let message) {
            for app in Set(profiles.map(\.metadata.app)) { capNotices.record(app: app, limit: limit, message: message, at: now) }
            throw StoreError.limitReached(limit: limit, message: message)
        }
        // Only committed ids enter the cache.
        for (p, (_, learned)) in zip(prepared, inserted) {
            cache.remember(app: learned.appID, named: p.profile.metadata.app)
            learned.remember(in: cache)
        }
        return inserted.map(\.summary)
    }

    static func insert(
        _ db: Database, _ p: PreparedProfile, cache: FrameIDCache, limits: StoreLimits
    ) throws -> (summary: ProfileSummary, learned: LearnedFrames) {
        let meta = p.profile.metadata
        let appID: Int64
        let blobs: [Data]
        var newFrames: [(frame: Frame, id: Int32)] = []
        if let stored = p.stored {
            (appID, blobs) = stored
        } else {
            appID = try Self.appID(db, name: meta.app, limits: limits)
            let frameMap: [Int32]
            (frameMap, newFrames) = try Self.internFrames(db, appID: appID, frames: p.profile.frames.frames, cache: cache)
            blobs = p.trees.map { Data(TreeBlobCodec.encode($0.tree, frameMap: frameMap)) }
        }
        // Cached statements: compiling these for every upload cost more than running them.
        try db.cachedStatement(
            sql: """
                INSERT INTO profile (app_id, share_token, host, pid, runtime, agent, start, "end", interval_ms,
                                     tags, threads, samples, stacks, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                appID, p.summary.shareToken, meta.host, meta.pid, meta.runtime, meta.agent, meta.start, meta.end,
                meta.intervalMs, p.tagsJSON, p.threadsJSON, p.summary.samples, p.summary.stacks, p.summary.createdAt,
            ])
        let profileID = db.lastInsertedRowID
        let seriesIDs = try Self.seriesIDs(db, appID: appID, labels: p.seriesLabels, limits: limits)
        for (i, entry) in p.trees.enumerated() {
            try db.cachedStatement(sql: "INSERT INTO profile_tree (profile_id, series_id, samples, tree) VALUES (?, ?, ?, ?)").execute(
                arguments: [profileID, seriesIDs[i], entry.tree.totalCount, blobs[i]])
        }
        var saved = p.summary
        saved.id = profileID
        return (saved, LearnedFrames(appID: appID, ids: newFrames))
    }

    /// The app's id, the app created if new (within `limits.maxApps`).
    static func appID(_ db: Database, name: String, limits: StoreLimits) throws -> Int64 {
        if let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM app WHERE name = ?"), arguments: [name]) { return id }
        let apps = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM app") ?? 0
        guard apps < limits.maxApps else {
            throw StoreError.limitReached(
                limit: "max-apps",
                message: "app: this server holds \(apps) apps, its limit (--max-apps); \"\(name.prefix(128))\" would be one more")
        }
        try db.execute(sql: "INSERT INTO app (name) VALUES (?)", arguments: [name])
        return db.lastInsertedRowID
    }

    /// The ids of an upload's series, the new ones created once they pass
    /// the caps (`checkNewSeries`).
    static func seriesIDs(_ db: Database, appID: Int64, labels: [String], limits: StoreLimits) throws -> [Int64] {
        let select = try db.cachedStatement(sql: "SELECT id FROM series WHERE app_id = ? AND labels = ?")
        var ids = try labels.map { try Int64.fetchOne(select, arguments: [appID, $0]) }
        let missing = ids.indices.filter { ids[$0] == nil }
        guard !missing.isEmpty else { return ids.map { $0! } }
        let new = Array(Set(missing.map { labels[$0] })).sorted()
        try checkNewSeries(db, appID: appID, new: new, limits: limits)
        for i in missing { ids[i] = try seriesID(db, appID: appID, labels: labels[i]) }
        return ids.map { $0! }
    }

    /// Refuses new series past the caps: series per app, label names per
    /// series, values per label name. Read only when an upload brings a new
    /// label set, which a steady agent rarely does.
    static func checkNewSeries(_ db: Database, appID: Int64, new: [String], limits: StoreLimits) throws {
        let existing = try String.fetchAll(
            db, sql: "SELECT labels FROM series WHERE app_id = ? AND labels != ?", arguments: [appID, SeriesLabels.all])
        try SeriesCaps.check(new: new, existing: existing, limits: limits)
    }

    /// The series' id, created if new; no caps (the rollups' `*` series, or
    /// after `checkNewSeries`).
    static func seriesID(_ db: Database, appID: Int64, labels: String) throws -> Int64 {
        if let id = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM series WHERE app_id = ? AND labels = ?"), arguments: [appID, labels])
        {
            return id
        }
        try db.cachedStatement(sql: "INSERT INTO series (app_id, labels) VALUES (?, ?)").execute(arguments: [appID, labels])
        return db.lastInsertedRowID
    }

    /// Maps the profile's frame ids to the app's stored ids, inserting new
    /// frames. Returns the map and the frames this transaction looked up or added.
    static func internFrames(
        _ db: Database, appID: Int64, frames: [Frame], cache: FrameIDCache
    ) throws -> ([Int32], [(frame: Frame, id: Int32)]) {
        let cached = cache.lookup(app: appID, frames)
        var map = [Int32](repeating: 0, count: frames.count)
        var learned: [(frame: Frame, id: Int32)] = []
        let select = try db.cachedStatement(
            sql: "SELECT id FROM frame WHERE app_id = ? AND name = ? AND file = ? AND line = ?")
        let insert = try db.cachedStatement(sql: "INSERT INTO frame (app_id, name, file, line) VALUES (?, ?, ?, ?)")
        for (i, frame) in frames.enumerated() {
            if let id = cached[i] {
                map[i] = id
                continue
            }
            let args: StatementArguments = [appID, frame.name, frame.file, frame.line]
            var id = try Int64.fetchOne(select, arguments: args)
            if id == nil {
                try insert.execute(arguments: args)
                id = db.lastInsertedRowID
            }
            guard let id, id <= Int64(Int32.max) else { throw StoreError.frameIDSpaceExhausted }
            map[i] = Int32(id)
            learned.append((frame, Int32(id)))
        }
        return (map, learned)
    }

    /// Profiles newest first; `before` is the id of the last profile of the previous page.
    public func listProfiles(app: String? = nil, limit: Int = 50, before: Int64? = nil) async throws -> [ProfileSummary] {
        try await writer.read { db in
            try ProfileSummary.fetchAll(
                db,
                sql: """
                    SELECT p.*, a.name AS app FROM profile p JOIN app a ON a.id = p.app_id
                    WHERE (?1 IS NULL OR a.name = ?1) AND (?2 IS NULL OR p.id < ?2)
                    ORDER BY p.id DESC LIMIT ?3
                    """,
                arguments: [app, before, limit])
        }
    }

    public func profile(id: Int64) async throws -> ProfileSummary? {
        try await writer.read { db in
            try ProfileSummary.fetchOne(
                db, sql: "SELECT p.*, a.name AS app FROM profile p JOIN app a ON a.id = p.app_id WHERE p.id = ?",
                arguments: [id])
        }
    }

    public func profile(shareToken: String) async throws -> ProfileSummary? {
        try await writer.read { db in
            try ProfileSummary.fetchOne(
                db,
                sql: "SELECT p.*, a.name AS app FROM profile p JOIN app a ON a.id = p.app_id WHERE p.share_token = ?",
                arguments: [shareToken])
        }
    }

    /// The profile's call tree, merged across its series; with `byThread`,
    /// each thread becomes a root frame of its own.
    public func profileTree(id: Int64, byThread: Bool = false) async throws -> LoadedTree? {
        let loaded: (Double, [(String, Data)])? = try await writer.read { db in
            guard let interval = try Double.fetchOne(db, sql: "SELECT interval_ms FROM profile WHERE id = ?", arguments: [id])
            else { return nil }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT s.labels, t.tree FROM profile_tree t JOIN series s ON s.id = t.series_id
                    WHERE t.profile_id = ? ORDER BY t.series_id
                    """,
                arguments: [id])
            return (interval, rows.map { ($0["labels"], $0["tree"]) })
        }
        guard let (interval, rows) = loaded else { return nil }
        return try await loadedProfile(rows, byThread: byThread, intervalMs: interval)
    }

    /// Frame rows by id.
    public func frames(ids: Set<Int32>) async throws -> [Int32: Frame] {
        guard !ids.isEmpty else { return [:] }
        let list = "[" + ids.map(String.init).joined(separator: ",") + "]"
        return try await writer.read { db in
            var result: [Int32: Frame] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT id, name, file, line FROM frame WHERE id IN (SELECT value FROM json_each(?))",
                arguments: [list])
            while let row = try rows.next() {
                result[Int32(row["id"] as Int64)] = Frame(name: row["name"], file: row["file"], line: row["line"])
            }
            return result
        }
    }

    /// Apps that have sent profiles, most recently seen first.
    public func listApps() async throws -> [AppSummary] {
        try await writer.read { db in
            try AppSummary.fetchAll(
                db,
                sql: """
                    SELECT a.name, COUNT(p.id) AS profiles, COALESCE(SUM(p.samples), 0) AS samples,
                           MIN(p.start) AS first_seen, MAX(p."end") AS last_seen,
                           (SELECT json_group_array(DISTINCT h.host) FROM profile h
                             WHERE h.app_id = a.id AND h.host IS NOT NULL) AS hosts
                    FROM app a JOIN profile p ON p.app_id = a.id
                    GROUP BY a.id ORDER BY last_seen DESC
                    """)
        }
    }
}
