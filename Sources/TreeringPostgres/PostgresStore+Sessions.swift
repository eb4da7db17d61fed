import Foundation
import PostgresNIO
import TreeringCore
import TreeringStore

extension PostgresStore {
    /// Opens a session for `app` (which need not have sent anything yet).
    /// The running-sessions cap is counted in the database under a lock on
    /// the app's row, so two processes cannot both open the last place.
    public func createSession(app: String, spec: SessionSpec, now: Double) async throws -> SessionSummary {
        let token = ShareToken.make()
        let (limits, logger) = (self.limits, self.logger)
        let session: SessionSummary
        do {
            session = try await write { conn in
                let appID = try await Self.appID(conn, name: app, limits: limits, logger: logger)
                // NO KEY UPDATE: session creations of the app wait for each other,
                // uploads (whose foreign keys share-lock the row) do not.
                try await conn.perform("SELECT id FROM app WHERE id = \(appID) FOR NO KEY UPDATE", logger: logger)
                let running = try await conn.query(
                    "SELECT count(*) FROM session WHERE app_id = \(appID) AND state = 'running' AND until > \(now)", logger: logger
                ).one(Int64.self)
                guard running < limits.maxRunningSessionsPerApp else {
                    throw StoreError.limitReached(
                        limit: "max-running-sessions",
                        message:
                            "app: \(running) sessions of this app are running, its limit (--max-running-sessions); stop one or wait for one to end"
                    )
                }
                let until = now + spec.timeLimitSeconds
                let id = try await conn.query(
                    """
                    INSERT INTO session (app_id, share_token, transaction_name, requests_wanted, interval_ms, time_limit_s,
                                         created_at, until, state, count)
                    VALUES (\(appID), \(token), \(spec.transaction), \(Int64(spec.requests)), \(spec.intervalMs),
                            \(spec.timeLimitSeconds), \(now), \(until), 'running', 0)
                    RETURNING id
                    """, logger: logger
                ).one(Int64.self)
                try await Self.notifySessionsChanged(conn, logger: logger)
                return SessionSummary(
                    id: id, app: app, shareToken: token, transaction: spec.transaction, requestsWanted: spec.requests, count: 0,
                    state: .running, intervalMs: spec.intervalMs, timeLimitSeconds: spec.timeLimitSeconds, createdAt: now,
                    until: until, closedAt: nil)
            }
        } catch StoreError.limitReached(let limit, let message) where limit == "max-running-sessions" {
            capNotices.record(app: app, limit: limit, message: message, at: now)
            throw StoreError.limitReached(limit: limit, message: message)
        }
        await activeSessions.add(session.active)
        await sessionsChanged()
        return session
    }

    public func session(id: Int64, now: Double) async throws -> SessionSummary? {
        try await Self.sessions(client, "\(unescaped: Self.sessionSelect) WHERE s.id = \(id)", logger: logger).first?.asOf(now)
    }

    public func session(shareToken: String, now: Double) async throws -> SessionSummary? {
        try await Self.sessions(client, "\(unescaped: Self.sessionSelect) WHERE s.share_token = \(shareToken)", logger: logger)
            .first?.asOf(now)
    }

    /// The app's sessions, newest first; empty when the app is unknown.
    public func listSessions(app: String, limit: Int, now: Double) async throws -> [SessionSummary] {
        try await Self.sessions(
            client, "\(unescaped: Self.sessionSelect) WHERE a.name = \(app) ORDER BY s.id DESC LIMIT \(Int64(max(0, limit)))",
            logger: logger
        ).map { $0.asOf(now) }
    }

    /// Stops a running session (the dashboard's Stop button). A session
    /// already over keeps its state. Nil when unknown.
    public func stopSession(id: Int64, now: Double) async throws -> SessionSummary? {
        let logger = self.logger
        let session = try await write { conn -> SessionSummary? in
            try await Self.writeExpiry(conn, ids: [id], now: now, logger: logger)
            let stopped = try await conn.query(
                "UPDATE session SET state = 'stopped', closed_at = \(now) WHERE id = \(id) AND state = 'running' RETURNING id",
                logger: logger
            ).collect()
            if !stopped.isEmpty { try await Self.notifySessionsChanged(conn, logger: logger) }
            return try await Self.session(conn, id: id, now: now, logger: logger)
        }
        if session != nil {
            await activeSessions.remove([id])
            await sessionsChanged()
        }
        return session
    }

    /// Writes the expiry of running sessions past their deadline (the
    /// cache knows which, so this costs nothing when none is). Returns how many.
    @discardableResult
    public func expireSessions(now: Double) async throws -> Int {
        let due = await activeSessions.expired(now: now)
        guard !due.isEmpty else { return 0 }
        let logger = self.logger
        let n = try await write { conn in try await Self.writeExpiry(conn, ids: due, now: now, logger: logger) }
        await activeSessions.remove(due)
        if n > 0 { await sessionsChanged() }
        return n
    }

    /// Marks those of `ids` that are running and past their deadline as
    /// expired, closed at their deadline; tells the other processes if any was.
    @discardableResult
    static func writeExpiry(_ conn: PostgresConnection, ids: [Int64], now: Double, logger: Logger) async throws -> Int {
        let expired = try await conn.query(
            """
            UPDATE session SET state = 'expired', closed_at = until
            WHERE id = ANY(\(ids)) AND state = 'running' AND until <= \(now) RETURNING id
            """, logger: logger
        ).collect()
        if !expired.isEmpty { try await notifySessionsChanged(conn, logger: logger) }
        return expired.count
    }

    /// Wakes every process's `SessionListener` once this transaction commits.
    static func notifySessionsChanged(_ conn: PostgresConnection, logger: Logger) async throws {
        try await conn.perform("NOTIFY \(unescaped: SessionListener.channel)", logger: logger)
    }

    static let sessionSelect = """
        SELECT s.id, a.name, s.share_token, s.transaction_name, s.requests_wanted, s.count, s.state,
               s.interval_ms, s.time_limit_s, s.created_at, s.until, s.closed_at
        FROM session s JOIN app a ON a.id = s.app_id
        """

    /// The session as of `now`, read inside a transaction.
    static func session(_ conn: PostgresConnection, id: Int64, now: Double, logger: Logger) async throws -> SessionSummary? {
        try await sessionSummaries(conn.query("\(unescaped: sessionSelect) WHERE s.id = \(id)", logger: logger)).first?.asOf(now)
    }

    static func sessions(_ client: PostgresClient, _ query: PostgresQuery, logger: Logger) async throws -> [SessionSummary] {
        try await sessionSummaries(client.query(query, logger: logger))
    }

    /// Rows of `sessionSelect`, as stored (not yet `asOf` a moment).
    static func sessionSummaries(_ rows: PostgresRowSequence) async throws -> [SessionSummary] {
        var out: [SessionSummary] = []
        for try await row in rows.decode(
            (Int64, String, String, String, Int64, Int64, String, Double, Double, Double, Double, Double?).self)
        {
            let (id, app, token, transaction, wanted, count, state, interval, timeLimit, createdAt, until, closedAt) = row
            out.append(
                SessionSummary(
                    id: id, app: app, shareToken: token, transaction: transaction, requestsWanted: Int(clamping: wanted),
                    count: Int(clamping: count), state: SessionState(rawValue: state) ?? .stopped, intervalMs: interval,
                    timeLimitSeconds: timeLimit, createdAt: createdAt, until: until, closedAt: closedAt))
        }
        return out
    }
}
