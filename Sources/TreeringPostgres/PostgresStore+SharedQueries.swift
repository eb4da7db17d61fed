import Foundation
import PostgresNIO
import TreeringCore
import TreeringStore

extension PostgresStore {
    /// Keeps `query` under a new share token, until `expiresAt` if given;
    /// nil when the app is unknown.
    public func share(_ query: AppQuery, expiresAt: Double?, now: Double) async throws -> SharedQuery? {
        let token = ShareToken.make()
        let filter = try LabelFilterJSON.encode(query.filter)
        let inserted = try await client.query(
            """
            INSERT INTO shared_query (token, app_id, range_from, range_until, filter, created_at, expires_at)
            SELECT \(token), id, \(query.from), \(query.until), \(filter), \(now), \(expiresAt) FROM app WHERE name = \(query.app)
            RETURNING token
            """, logger: logger
        ).collect()
        guard !inserted.isEmpty else { return nil }
        return SharedQuery(token: token, query: query, createdAt: now, expiresAt: expiresAt)
    }

    /// The shared query under `token`; nil when unknown, revoked or expired.
    public func sharedQuery(token: String, now: Double) async throws -> SharedQuery? {
        try await sharedQueries(
            "\(unescaped: Self.sharedSelect) WHERE s.token = \(token) AND (s.expires_at IS NULL OR s.expires_at > \(now))"
        ).first
    }

    /// Every shared query, newest first, expired ones included.
    public func listSharedQueries() async throws -> [SharedQuery] {
        try await sharedQueries("\(unescaped: Self.sharedSelect) ORDER BY s.created_at DESC")
    }

    /// Ends a share link: a shared query or comparison is deleted; a
    /// profile's or a session's link gets a new token, so the old one finds
    /// nothing. Nil when no link has this token.
    public func revokeShare(token: String) async throws -> RevokedShare? {
        let logger = self.logger
        return try await write { conn -> RevokedShare? in
            func changed(_ query: PostgresQuery) async throws -> Bool {
                try await !conn.query(query, logger: logger).collect().isEmpty
            }
            if try await changed("DELETE FROM shared_query WHERE token = \(token) RETURNING token") { return .query }
            if try await changed("DELETE FROM shared_comparison WHERE token = \(token) RETURNING token") { return .comparison }
            if try await changed(
                "UPDATE profile SET share_token = \(ShareToken.make()) WHERE share_token = \(token) RETURNING id")
            {
                return .profile
            }
            if try await changed(
                "UPDATE session SET share_token = \(ShareToken.make()) WHERE share_token = \(token) RETURNING id")
            {
                return .session
            }
            return nil
        }
    }

    static let sharedSelect = """
        SELECT s.token, a.name, s.range_from, s.range_until, s.filter, s.created_at, s.expires_at
        FROM shared_query s JOIN app a ON a.id = s.app_id
        """

    private func sharedQueries(_ query: PostgresQuery) async throws -> [SharedQuery] {
        var out: [SharedQuery] = []
        for try await (token, app, from, until, filter, createdAt, expiresAt) in try await client.query(query, logger: logger)
            .decode((String, String, Double, Double, String, Double, Double?).self)
        {
            let query = AppQuery(app: app, from: from, until: until, filter: try LabelFilterJSON.decode(filter))
            out.append(SharedQuery(token: token, query: query, createdAt: createdAt, expiresAt: expiresAt))
        }
        return out
    }
}
