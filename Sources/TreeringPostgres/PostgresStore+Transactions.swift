import Logging
import PostgresNIO

extension PostgresStore {
    /// One read-write transaction (READ COMMITTED). The closure's own
    /// errors come out as they were thrown (`StoreError` stays a
    /// `StoreError`), not wrapped in postgres-nio's `PostgresTransactionError`.
    func write<Result>(_ body: (PostgresConnection) async throws -> sending Result) async throws -> sending Result {
        do {
            return try await client.withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError {
            throw error.cause
        }
    }

    /// One read-only transaction on one snapshot (REPEATABLE READ), like
    /// SQLite's single read snapshot: every statement sees the same commits.
    func read<Result>(_ body: (PostgresConnection) async throws -> sending Result) async throws -> sending Result {
        let logger = self.logger
        do {
            return try await client.withTransaction(logger: logger) { conn in
                try await conn.perform("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
                // The time-partitioned tables in the order that making or
                // dropping a partition locks them (that locks the parent): a
                // read that touched rollup before profile could otherwise
                // deadlock with a retention pass.
                try await conn.perform("LOCK TABLE ONLY profile, profile_tree, rollup IN ACCESS SHARE MODE", logger: logger)
                return try await body(conn)
            }
        } catch let error as PostgresTransactionError {
            throw error.cause
        }
    }
}

extension PostgresTransactionError {
    /// The error that made the transaction fail.
    var cause: any Error { closureError ?? beginError ?? commitError ?? self }
}
