import Foundation
import PostgresNIO
import TreeringStore

extension PostgresStore {
    public func startSignIn(tokenHash: [UInt8], keyID: Int64, expiresAt: Double, now: Double) async throws {
        let logger = self.logger
        let hash = Data(tokenHash)
        try await write { conn in
            try await conn.perform("DELETE FROM sign_in WHERE expires_at <= \(now)", logger: logger)
            try await conn.perform(
                "INSERT INTO sign_in (token_hash, key_id, expires_at) VALUES (\(hash), \(keyID), \(expiresAt))", logger: logger)
        }
    }

    public func signInKeyID(tokenHash: [UInt8], now: Double) async throws -> Int64? {
        try await client.query(
            "SELECT key_id FROM sign_in WHERE token_hash = \(Data(tokenHash)) AND expires_at > \(now)", logger: logger
        ).first(Int64.self)
    }

    public func endSignIn(tokenHash: [UInt8]) async throws {
        for try await _ in try await client.query("DELETE FROM sign_in WHERE token_hash = \(Data(tokenHash))", logger: logger) {}
    }
}
