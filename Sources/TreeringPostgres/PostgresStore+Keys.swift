import Foundation
import PostgresNIO
import TreeringStore

extension PostgresStore {
    /// Creates a key; the secret is returned once and never stored, only
    /// its SHA-256 (as bytea).
    public func createKey(scope: KeyScope, apps: [String], name: String?, now: Double) async throws -> (key: APIKey, secret: String) {
        let secret = KeySecret.make()
        let sorted = apps.sorted()
        let appsJSON = String(decoding: try JSONEncoder().encode(sorted), as: UTF8.self)
        let id = try await client.query(
            """
            INSERT INTO api_key (name, scope, apps, secret_hash, created_at)
            VALUES (\(name), \(scope.rawValue), \(appsJSON), \(Data(KeySecret.hash(secret))), \(now)) RETURNING id
            """, logger: logger
        ).one(Int64.self)
        return (APIKey(id: id, name: name, scope: scope, apps: sorted, createdAt: now), secret)
    }

    /// Every key, revoked ones included, oldest first.
    public func listKeys() async throws -> [APIKey] {
        try await keys("\(unescaped: Self.keySelect) ORDER BY id").map(\.key)
    }

    /// Revokes a key; false when there is no such key or it was revoked already.
    public func revokeKey(id: Int64, now: Double) async throws -> Bool {
        try await !client.query(
            "UPDATE api_key SET revoked_at = \(now) WHERE id = \(id) AND revoked_at IS NULL RETURNING id", logger: logger
        ).collect().isEmpty
    }

    /// The keys not revoked, with their hashes: what the server checks against.
    public func activeKeyCredentials() async throws -> [KeyCredential] {
        try await keys("\(unescaped: Self.keySelect) WHERE revoked_at IS NULL ORDER BY id")
    }

    /// Records when keys were last used (written in batches, not per request).
    public func markKeysUsed(_ ids: [Int64], at now: Double) async throws {
        guard !ids.isEmpty else { return }
        let logger = self.logger
        try await client.withConnection { conn in
            try await conn.perform("UPDATE api_key SET last_used_at = \(now) WHERE id = ANY(\(ids))", logger: logger)
        }
    }

    static let keySelect = "SELECT id, name, scope, apps, secret_hash, created_at, last_used_at, revoked_at FROM api_key"

    /// Rows of `keySelect`; `apps` is a JSON array.
    private func keys(_ query: PostgresQuery) async throws -> [KeyCredential] {
        var out: [KeyCredential] = []
        for try await (id, name, scope, apps, hash, createdAt, lastUsedAt, revokedAt) in try await client.query(query, logger: logger)
            .decode((Int64, String?, String, String, Data, Double, Double?, Double?).self)
        {
            let key = APIKey(
                id: id, name: name, scope: KeyScope(rawValue: scope) ?? .ingest, apps: JSONColumn.strings(apps), createdAt: createdAt,
                lastUsedAt: lastUsedAt, revokedAt: revokedAt)
            out.append(KeyCredential(key: key, secretHash: [UInt8](hash)))
        }
        return out
    }
}
