import Foundation
import GRDB
import TreeringStore

extension SQLiteStore {
    /// Creates a key; the secret is returned once and never stored.
    public func createKey(
        scope: KeyScope, apps: [String] = [], name: String? = nil, now: Double = Date().timeIntervalSince1970
    ) async throws -> (key: APIKey, secret: String) {
        let secret = KeySecret.make()
        let appsJSON = String(decoding: try JSONEncoder().encode(apps.sorted()), as: UTF8.self)
        let id = try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO api_key (name, scope, apps, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, scope.rawValue, appsJSON, Data(KeySecret.hash(secret)), now])
            return db.lastInsertedRowID
        }
        return (APIKey(id: id, name: name, scope: scope, apps: apps.sorted(), createdAt: now), secret)
    }

    /// Every key, revoked ones included, oldest first.
    public func listKeys() async throws -> [APIKey] {
        try await writer.read { db in try APIKey.fetchAll(db, sql: "SELECT * FROM api_key ORDER BY id") }
    }

    /// Revokes a key; false when there is no such key or it was revoked already.
    public func revokeKey(id: Int64, now: Double = Date().timeIntervalSince1970) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id])
            return db.changesCount > 0
        }
    }

    /// The keys not revoked, with their hashes: what the server checks against.
    public func activeKeyCredentials() async throws -> [KeyCredential] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_key WHERE revoked_at IS NULL ORDER BY id").map {
                KeyCredential(key: try APIKey(row: $0), secretHash: [UInt8]($0["secret_hash"] as Data))
            }
        }
    }

    /// Records when keys were last used (written in batches, not per request).
    public func markKeysUsed(_ ids: [Int64], at now: Double) async throws {
        guard !ids.isEmpty else { return }
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE api_key SET last_used_at = ? WHERE id IN (SELECT value FROM json_each(?))",
                arguments: [now, Self.jsonIDs(ids)])
        }
    }
}
