import Foundation
import GRDB
import TreeringCore
import TreeringStore

extension SQLiteStore {
    /// Stores one request of a session and counts it, exactly: in one write
    /// transaction the session must be running, before its deadline and
    /// short of N; the Nth request closes it as done. A request id already
    /// stored is answered as it was, without counting again. Whatever is
    /// refused leaves nothing behind (no row, no frame).
    public func addSessionRequest(
        session id: Int64, tags: SessionRequestTags, profile: Profile, now: Double = Date().timeIntervalSince1970
    ) async throws -> SessionRequestOutcome {
        // The CPU work happens before the write transaction, which stays short.
        let tree = profile.mergedTree()
        let threads = String(decoding: try JSONEncoder().encode(profile.threads), as: UTF8.self)
        let cache = frameCache
        let (outcome, learned) = try await writer.write { db -> (SessionRequestOutcome, LearnedFrames?) in
            guard let appID = try Int64.fetchOne(db, sql: "SELECT app_id FROM session WHERE id = ?", arguments: [id]) else {
                return (.unknownSession, nil)
            }
            if try Bool.fetchOne(
                db, sql: "SELECT 1 FROM session_request WHERE session_id = ? AND request = ?", arguments: [id, tags.request]) == true
            {
                return (.duplicate(try Self.session(db, where: "s.id = ?", id, now: now)!), nil)
            }
            try Self.writeExpiry(db, ids: [id], now: now)
            let before = try Self.session(db, where: "s.id = ?", id, now: now)!
            guard before.state == .running, before.count < before.requestsWanted else { return (.closed(before), nil) }
            let (frameMap, newFrames) = try Self.internFrames(db, appID: appID, frames: profile.frames.frames, cache: cache)
            try db.execute(
                sql: """
                    INSERT INTO session_request (session_id, request, wall_ms, host, threads, samples, received_at, tree)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, tags.request, tags.wallMs, profile.metadata.host, threads, tree.totalCount, now,
                    Data(TreeBlobCodec.encode(tree, frameMap: frameMap)),
                ])
            try db.execute(
                sql: """
                    UPDATE session SET count = count + 1,
                        state = CASE WHEN count + 1 >= requests_wanted THEN 'done' ELSE state END,
                        closed_at = CASE WHEN count + 1 >= requests_wanted THEN ? ELSE closed_at END
                    WHERE id = ?
                    """,
                arguments: [now, id])
            return (.counted(try Self.session(db, where: "s.id = ?", id, now: now)!), LearnedFrames(appID: appID, ids: newFrames))
        }
        // Only committed ids enter the cache.
        learned?.remember(in: cache)
        switch outcome {
        case .counted(let s), .duplicate(let s), .closed(let s):
            if s.state != .running { await activeSessions.remove([s.id]) }
        case .unknownSession: break
        }
        return outcome
    }

    /// The session's requests, slowest first.
    public func sessionRequests(session id: Int64) async throws -> [SessionRequestSummary] {
        try await writer.read { db in
            try SessionRequestSummary.fetchAll(
                db,
                sql: """
                    SELECT request, wall_ms, samples, host, threads, received_at FROM session_request
                    WHERE session_id = ? ORDER BY wall_ms DESC, id
                    """,
                arguments: [id])
        }
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
        let read = try await writer.read { db -> QueryRead? in
            guard let interval = try Double.fetchOne(db, sql: "SELECT interval_ms FROM session WHERE id = ?", arguments: [id])
            else { return nil }
            let blobs = try Data.fetchAll(
                db, sql: "SELECT tree FROM session_request WHERE session_id = ?1 AND (?2 IS NULL OR request = ?2) ORDER BY id",
                arguments: [id, request])
            if request != nil, blobs.isEmpty { return nil }
            return QueryRead(blobs: blobs, intervalMs: interval)
        }
        guard let read else { return nil }
        return try await merged(read)
    }
}
