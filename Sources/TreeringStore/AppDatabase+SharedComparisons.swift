import Foundation
import GRDB

extension AppDatabase {
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
            ).map { SharedComparison(token: $0[0], sides: $0[1], createdAt: $0[2], expiresAt: $0[3]) }
        }
    }

    /// Every shared comparison, newest first, expired ones included.
    public func listSharedComparisons() async throws -> [SharedComparison] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT token, sides, created_at, expires_at FROM shared_comparison ORDER BY created_at DESC")
                .map { SharedComparison(token: $0[0], sides: $0[1], createdAt: $0[2], expiresAt: $0[3]) }
        }
    }
}
