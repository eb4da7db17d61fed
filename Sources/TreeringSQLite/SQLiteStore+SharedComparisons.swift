import Foundation
import GRDB
import TreeringStore

extension SQLiteStore {
    /// Keeps a comparison's sides under a new share token, until `expiresAt` if given.
    public func shareComparison(
        sides: String, expiresAt: Double? = nil, now: Double = Date().timeIntervalSince1970
    ) async throws -> SharedComparison {
        let shared = SharedComparison(token: ShareToken.make(), sides: sides, createdAt: now, expiresAt: expiresAt)
        try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO shared_comparison (token, sides, created_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [shared.token, shared.sides, shared.createdAt, shared.expiresAt])
        }
        return shared
    }

    /// The shared comparison under `token`; nil when unknown, revoked or expired.
    public func sharedComparison(token: String, now: Double = Date().timeIntervalSince1970) async throws -> SharedComparison? {
        try await writer.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT token, sides, created_at, expires_at FROM shared_comparison
                    WHERE token = ? AND (expires_at IS NULL OR expires_at > ?)
                    """,
                arguments: [token, now]
            ).map(Self.sharedComparison)
        }
    }

    /// Every shared comparison, newest first, expired ones included.
    public func listSharedComparisons() async throws -> [SharedComparison] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT token, sides, created_at, expires_at FROM shared_comparison ORDER BY created_at DESC")
                .map(Self.sharedComparison)
        }
    }

    /// A row of `token, sides, created_at, expires_at`.
    static func sharedComparison(_ row: Row) -> SharedComparison {
        SharedComparison(token: row[0], sides: row[1], createdAt: row[2], expiresAt: row[3])
    }
}
