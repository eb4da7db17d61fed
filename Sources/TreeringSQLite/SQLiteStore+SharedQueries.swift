import Foundation
import GRDB
import TreeringCore
import TreeringStore

extension SQLiteStore {
    /// Keeps `query` under a new share token, until `expiresAt` if given;
    /// nil when the app is unknown.
    public func share(
        _ query: AppQuery, expiresAt: Double? = nil, now: Double = Date().timeIntervalSince1970
    ) async throws -> SharedQuery? {
        let token = ShareToken.make()
        let filter = try LabelFilterJSON.encode(query.filter)
        return try await writer.write { db in
            guard let appID = try Self.existingAppID(db, name: query.app) else { return nil }
            try db.execute(
                sql: """
                    INSERT INTO shared_query (token, app_id, range_from, range_until, filter, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [token, appID, query.from, query.until, filter, now, expiresAt])
            return SharedQuery(token: token, query: query, createdAt: now, expiresAt: expiresAt)
        }
    }

    /// The shared query under `token`; nil when unknown, revoked or expired.
    public func sharedQuery(token: String, now: Double = Date().timeIntervalSince1970) async throws -> SharedQuery? {
        let row = try await writer.read { db in
            try Row.fetchOne(
                db, sql: Self.sharedSelect + " WHERE s.token = ? AND (s.expires_at IS NULL OR s.expires_at > ?)", arguments: [token, now])
        }
        return try row.map(Self.sharedQuery)
    }

    /// Every shared query, newest first, expired ones included.
    public func listSharedQueries() async throws -> [SharedQuery] {
        try await writer.read { db in try Row.fetchAll(db, sql: Self.sharedSelect + " ORDER BY s.created_at DESC") }.map(Self.sharedQuery)
    }

    /// What a share token named, once `revokeShare` has made it useless.
    /// Ends a share link: a shared query is deleted; a profile's or a
    /// session's link gets a new token, so the old one finds nothing. Nil
    /// when no link has this token.
    public func revokeShare(token: String) async throws -> RevokedShare? {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM shared_query WHERE token = ?", arguments: [token])
            if db.changesCount > 0 { return .query }
            try db.execute(sql: "DELETE FROM shared_comparison WHERE token = ?", arguments: [token])
            if db.changesCount > 0 { return .comparison }
            try db.execute(sql: "UPDATE profile SET share_token = ? WHERE share_token = ?", arguments: [ShareToken.make(), token])
            if db.changesCount > 0 { return .profile }
            try db.execute(sql: "UPDATE session SET share_token = ? WHERE share_token = ?", arguments: [ShareToken.make(), token])
            if db.changesCount > 0 { return .session }
            return nil
        }
    }

    static let sharedSelect = """
        SELECT s.token, a.name, s.range_from, s.range_until, s.filter, s.created_at, s.expires_at
        FROM shared_query s JOIN app a ON a.id = s.app_id
        """

    static func sharedQuery(_ row: Row) throws -> SharedQuery {
        let query = AppQuery(app: row[1], from: row[2], until: row[3], filter: try LabelFilterJSON.decode(row[4]))
        return SharedQuery(token: row[0], query: query, createdAt: row[5], expiresAt: row[6])
    }
}
