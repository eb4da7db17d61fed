import Foundation
import PostgresNIO
import TreeringStore

extension PostgresStore {
    /// Keeps a comparison's sides under a new share token, until `expiresAt` if given.
    public func shareComparison(sides: String, expiresAt: Double?, now: Double) async throws -> SharedComparison {
        let shared = SharedComparison(token: ShareToken.make(), sides: sides, createdAt: now, expiresAt: expiresAt)
        let logger = self.logger
        try await client.withConnection { conn in
            try await conn.perform(
                """
                INSERT INTO shared_comparison (token, sides, created_at, expires_at)
                VALUES (\(shared.token), \(shared.sides), \(shared.createdAt), \(shared.expiresAt))
                """, logger: logger)
        }
        return shared
    }

    /// The shared comparison under `token`; nil when unknown, revoked or expired.
    public func sharedComparison(token: String, now: Double) async throws -> SharedComparison? {
        try await sharedComparisons(
            """
            SELECT token, sides, created_at, expires_at FROM shared_comparison
            WHERE token = \(token) AND (expires_at IS NULL OR expires_at > \(now))
            """
        ).first
    }

    /// Every shared comparison, newest first, expired ones included.
    public func listSharedComparisons() async throws -> [SharedComparison] {
        try await sharedComparisons("SELECT token, sides, created_at, expires_at FROM shared_comparison ORDER BY created_at DESC")
    }

    /// Rows of `token, sides, created_at, expires_at`.
    private func sharedComparisons(_ query: PostgresQuery) async throws -> [SharedComparison] {
        var out: [SharedComparison] = []
        for try await (token, sides, createdAt, expiresAt) in try await client.query(query, logger: logger)
            .decode((String, String, Double, Double?).self)
        {
            out.append(SharedComparison(token: token, sides: sides, createdAt: createdAt, expiresAt: expiresAt))
        }
        return out
    }
}
