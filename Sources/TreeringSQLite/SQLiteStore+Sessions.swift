import Foundation
import GRDB
import TreeringCore
import TreeringStore

extension SQLiteStore {
    /// Opens a session for `app` (which need not have sent anything yet).
    public func createSession(app: String, spec: SessionSpec, now: Double = Date().timeIntervalSince1970) async throws -> SessionSummary {
        let token = ShareToken.make()
        let limits = self.limits
        let running = await activeSessions.active(app: app, now: now).count
        guard running < limits.maxRunningSessionsPerApp else {
            let message =
                "app: \(running) sessions of this app are running, its limit (--max-running-sessions); stop one or wait for one to end"
            capNotices.record(app: app, limit: "max-running-sessions", message: message, at: now)
            throw StoreError.limitReached(limit: "max-running-sessions", message: message)
        }
        let session = try await writer.write { db -> SessionSummary in
            let appID = try Self.appID(db, name: app, limits: limits)
            try db.execute(
                sql: """
                    INSERT INTO session (app_id, share_token, transaction_name, requests_wanted, interval_ms, time_limit_s,
                                         created_at, until, state, count)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', 0)
                    """,
                arguments: [
                    appID, token, spec.transaction, spec.requests, spec.intervalMs, spec.timeLimitSeconds,
                    now, now + spec.timeLimitSeconds,
                ])
            return SessionSummary(
                id: db.lastInsertedRowID, app: app, shareToken: token, transaction: spec.transaction,
                requestsWanted: spec.requests, count: 0, state: .running, intervalMs: spec.intervalMs,
                timeLimitSeconds: spec.timeLimitSeconds, createdAt: now, until: now + spec.timeLimitSeconds, closedAt: nil)
        }
        await activeSessions.add(session.active)
        return session
    }

    public func session(id: Int64, now: Double = Date().timeIntervalSince1970) async throws -> SessionSummary? {
        try await writer.read { db in try Self.session(db, where: "s.id = ?", id, now: now) }
    }

    public func session(shareToken: String, now: Double = Date().timeIntervalSince1970) async throws -> SessionSummary? {
        try await writer.read { db in try Self.session(db, where: "s.share_token = ?", shareToken, now: now) }
    }

    /// The app's sessions, newest first; empty when the app is unknown.
    public func listSessions(app: String, limit: Int = 100, now: Double = Date().timeIntervalSince1970) async throws -> [SessionSummary] {
        try await writer.read { db in
            try SessionSummary.fetchAll(
                db, sql: Self.sessionSelect + " WHERE a.name = ? ORDER BY s.id DESC LIMIT ?", arguments: [app, limit]
            ).map { $0.asOf(now) }
        }
    }

    /// Stops a running session (the dashboard's Stop button). A session
    /// already over keeps its state. Nil when unknown.
    public func stopSession(id: Int64, now: Double = Date().timeIntervalSince1970) async throws -> SessionSummary? {
        let session = try await writer.write { db -> SessionSummary? in
            try Self.writeExpiry(db, ids: [id], now: now)
            try db.execute(
                sql: "UPDATE session SET state = 'stopped', closed_at = ? WHERE id = ? AND state = 'running'",
                arguments: [now, id])
            return try Self.session(db, where: "s.id = ?", id, now: now)
        }
        if session != nil { await activeSessions.remove([id]) }
        return session
    }

    /// Writes the expiry of running sessions past their deadline (the
    /// cache knows which, so this costs nothing when none is). Returns how many.
    @discardableResult
    public func expireSessions(now: Double = Date().timeIntervalSince1970) async throws -> Int {
        let due = await activeSessions.expired(now: now)
        guard !due.isEmpty else { return 0 }
        let n = try await writer.write { db in try Self.writeExpiry(db, ids: due, now: now) }
        await activeSessions.remove(due)
        return n
    }

    /// Marks those of `ids` that are running and past their deadline as
    /// expired, closed at their deadline.
    @discardableResult
    static func writeExpiry(_ db: Database, ids: [Int64], now: Double) throws -> Int {
        try db.execute(
            sql: """
                UPDATE session SET state = 'expired', closed_at = until
                WHERE id IN (SELECT value FROM json_each(?)) AND state = 'running' AND until <= ?
                """,
            arguments: [jsonIDs(ids), now])
        return db.changesCount
    }

    /// Sessions still running in the store (the cache's contents at start-up).
    static func runningSessions(_ db: Database) throws -> [ActiveSession] {
        try SessionSummary.fetchAll(db, sql: sessionSelect + " WHERE s.state = 'running' ORDER BY s.id").map(\.active)
    }

    static let sessionSelect = """
        SELECT s.id, a.name AS app, s.share_token, s.transaction_name, s.requests_wanted, s.count, s.state,
               s.interval_ms, s.time_limit_s, s.created_at, s.until, s.closed_at
        FROM session s JOIN app a ON a.id = s.app_id
        """

    static func session(
        _ db: Database, where condition: String, _ value: some DatabaseValueConvertible, now: Double
    ) throws -> SessionSummary? {
        try SessionSummary.fetchOne(db, sql: sessionSelect + " WHERE " + condition, arguments: [value])?.asOf(now)
    }
}
