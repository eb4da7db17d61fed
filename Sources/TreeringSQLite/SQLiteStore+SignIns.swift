import Foundation
import GRDB
import TreeringStore

extension SQLiteStore {
    public func startSignIn(tokenHash: [UInt8], keyID: Int64, expiresAt: Double, now: Double) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM sign_in WHERE expires_at <= ?", arguments: [now])
            try db.execute(
                sql: "INSERT INTO sign_in (token_hash, key_id, expires_at) VALUES (?, ?, ?)",
                arguments: [Data(tokenHash), keyID, expiresAt])
        }
    }

    public func signInKeyID(tokenHash: [UInt8], now: Double) async throws -> Int64? {
        try await writer.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT key_id FROM sign_in WHERE token_hash = ? AND expires_at > ?", arguments: [Data(tokenHash), now])
        }
    }

    public func endSignIn(tokenHash: [UInt8]) async throws {
        try await writer.write { db in try db.execute(sql: "DELETE FROM sign_in WHERE token_hash = ?", arguments: [Data(tokenHash)]) }
    }
}
