import Foundation
import PostgresNIO
import TreeringCore

extension PostgresStore {
    /// Makes sure the daily partitions holding these times exist (profile,
    /// profile_tree by start; rollup by bucket). Creation runs under an
    /// advisory lock, so processes racing for the same day both succeed.
    func ensurePartitions(profileStarts: [Double]) async throws {
        try await ensurePartitions(Set(profileStarts.flatMap { PartitionDay.forProfile(start: $0) }))
    }

    /// Yesterday's, today's and tomorrow's partitions, made ahead (on open
    /// and by each rollup pass) so uploads rarely wait for one to be made:
    /// making one waits for every transaction on its table to end.
    func ensurePartitionsAroundNow() async throws {
        let now = Date().timeIntervalSince1970
        try await ensurePartitions(profileStarts: [now - 86_400, now, now + 86_400])
    }

    func ensurePartitions(_ days: Set<PartitionDay>) async throws {
        let missing = partitions.missing(days)
        guard !missing.isEmpty else { return }
        let logger = self.logger
        try await write { conn in
            try await conn.perform("SELECT pg_advisory_xact_lock(\(PostgresLocks.partitions))", logger: logger)
            for p in missing {
                try await conn.perform(
                    PostgresQuery(
                        unsafeSQL:
                            "CREATE TABLE IF NOT EXISTS \(p.name) PARTITION OF \(p.table) FOR VALUES FROM (\(p.from)) TO (\(p.until))"
                    ), logger: logger)
            }
        }
        partitions.remember(missing)
    }

    /// Runs `body` (a whole transaction); if it failed because a partition
    /// is missing (dropped by another process's retention, or never made
    /// when the cache was stale), forgets the known partitions, makes those
    /// of `starts` again and runs it once more.
    func retryingMissingPartition<Result>(
        starts: [Double], _ body: () async throws -> sending Result
    ) async throws -> sending Result {
        try await ensurePartitions(profileStarts: starts)
        do {
            return try await body()
        } catch let error as PSQLError where error.isMissingPartition {
            partitions.forgetAll()
            try await ensurePartitions(profileStarts: starts)
            return try await body()
        }
    }
}

extension PSQLError {
    /// "no partition of relation … found for row" (check_violation,
    /// SQLSTATE 23514), or a partition dropped under a statement (42P01).
    var isMissingPartition: Bool {
        guard code == .server, let state = serverInfo?[.sqlState] else { return false }
        return state == "23514" && (serverInfo?[.message] ?? "").contains("no partition") || state == "42P01"
    }
}
