import Foundation
import PostgresNIO
import TreeringCore
import TreeringStore

extension PostgresStore {
    /// Stores one request of a session and counts it, exactly, across every
    /// process on the database: the session's row is locked (`FOR UPDATE`)
    /// first, so the requests of one session are counted one transaction at
    /// a time; then, as in SQLiteStore, a request id already stored is
    /// answered as it was without counting again, the session must be
    /// running, before its deadline and short of N, and the Nth request
    /// closes it as done. Whatever is refused leaves nothing behind (no row,
    /// no frame).
    public func addSessionRequest(
        session id: Int64, tags: SessionRequestTags, profile: Profile, now: Double
    ) async throws -> SessionRequestOutcome {
        // The CPU work happens before the transaction, which stays short.
        let tree = profile.mergedTree()
        let threads = String(decoding: try JSONEncoder().encode(profile.threads), as: UTF8.self)
        let (cache, logger) = (frameCache, self.logger)
        let (outcome, learned, changed) = try await write {
            conn -> (SessionRequestOutcome, LearnedFrames?, Bool) in
            let locked = try await conn.query("SELECT app_id FROM session WHERE id = \(id) FOR UPDATE", logger: logger)
                .collect()
            guard let appID = try locked.first?.decode(Int64.self) else { return (.unknownSession, nil, false) }
            let seen = try await conn.query(
                "SELECT 1 FROM session_request WHERE session_id = \(id) AND request = \(tags.request)", logger: logger
            ).collect()
            if !seen.isEmpty {
                return (.duplicate(try await Self.session(conn, id: id, now: now, logger: logger)!), nil, false)
            }
            let expired = try await Self.writeExpiry(conn, ids: [id], now: now, logger: logger) > 0
            let before = try await Self.session(conn, id: id, now: now, logger: logger)!
            guard before.state == .running, before.count < before.requestsWanted else { return (.closed(before), nil, expired) }
            let (frameMap, learned) = try await Self.internFrames(
                conn, appID: appID, frames: profile.frames.frames, cache: cache, logger: logger)
            let blob = Data(TreeBlobCodec.encode(tree, frameMap: frameMap))
            try await conn.perform(
                """
                INSERT INTO session_request (session_id, request, wall_ms, host, threads, samples, received_at, tree)
                VALUES (\(id), \(tags.request), \(tags.wallMs), \(profile.metadata.host), \(threads), \(tree.totalCount),
                        \(now), \(blob))
                """, logger: logger)
            let done = try await conn.query(
                """
                UPDATE session SET count = count + 1,
                    state = CASE WHEN count + 1 >= requests_wanted THEN 'done' ELSE state END,
                    closed_at = CASE WHEN count + 1 >= requests_wanted THEN \(now) ELSE closed_at END
                WHERE id = \(id) RETURNING state = 'done'
                """, logger: logger
            ).one(Bool.self)
            if done { try await Self.notifySessionsChanged(conn, logger: logger) }
            return (.counted(try await Self.session(conn, id: id, now: now, logger: logger)!), learned, done)
        }
        // Only committed ids enter the cache.
        learned?.remember(in: cache)
        switch outcome {
        case .counted(let s), .duplicate(let s), .closed(let s):
            if s.state != .running { await activeSessions.remove([s.id]) }
        case .unknownSession: break
        }
        if changed { await sessionsChanged() }
        return outcome
    }

    /// The session's requests, slowest first.
    public func sessionRequests(session id: Int64) async throws -> [SessionRequestSummary] {
        let rows = try await client.query(
            """
            SELECT request, wall_ms, samples, host, threads, received_at FROM session_request
            WHERE session_id = \(id) ORDER BY wall_ms DESC, id
            """, logger: logger)
        var out: [SessionRequestSummary] = []
        for try await (request, wall, samples, host, threads, receivedAt) in rows.decode(
            (String, Double, Int64, String?, String, Double).self)
        {
            out.append(
                SessionRequestSummary(
                    request: request, wallMs: wall, samples: samples, host: host, threads: JSONColumn.strings(threads),
                    receivedAt: receivedAt))
        }
        return out
    }

    /// The merge of the session's request trees (N is at most a thousand, so
    /// merging when asked is cheap); nil when the session is unknown.
    public func sessionTree(id: Int64) async throws -> LoadedTree? {
        try await sessionTrees(id: id, request: nil)
    }

    /// One request's tree; nil when the session or the request is unknown.
    public func sessionRequestTree(id: Int64, request: String) async throws -> LoadedTree? {
        try await sessionTrees(id: id, request: request)
    }

    private func sessionTrees(id: Int64, request: String?) async throws -> LoadedTree? {
        let logger = self.logger
        // One snapshot for the session and its requests, as SQLite's read.
        let picked = try await read { conn -> QueryRead? in
            let interval = try await conn.query("SELECT interval_ms FROM session WHERE id = \(id)", logger: logger).collect()
            guard let intervalMs = try interval.first?.decode(Double.self) else { return nil }
            let rows = try await conn.query(
                """
                SELECT tree FROM session_request
                WHERE session_id = \(id) AND (\(request)::text IS NULL OR request = \(request)) ORDER BY id
                """, logger: logger)
            var blobs: [Data] = []
            for try await blob in rows.decode(Data.self) { blobs.append(blob) }
            if request != nil, blobs.isEmpty { return nil }
            return QueryRead(blobs: blobs, intervalMs: intervalMs)
        }
        guard let picked else { return nil }
        let tree = try await StoredTrees.merge(picked.blobs)
        return LoadedTree(tree: tree, frames: try await frames(ids: tree.usedFrames), intervalMs: picked.intervalMs)
    }
}
