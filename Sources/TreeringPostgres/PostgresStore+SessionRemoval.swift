import Foundation
import PostgresNIO
import TreeringStore

extension PostgresStore {
    /// Removes sessions created before `cutoff` that are over (expired ones
    /// written first), with their requests; returns how many.
    @discardableResult
    public func removeSessions(before cutoff: Double, now: Double, chunk: Int) async throws -> Int {
        try await expireSessions(now: now)
        var removed = 0
        while true {
            // A chunk's requests (up to N each) go with it: transactions stay short.
            let n = try await client.query(
                """
                DELETE FROM session WHERE id IN
                    (SELECT id FROM session WHERE created_at < \(cutoff) AND (state != 'running' OR until <= \(now))
                     LIMIT \(Int64(max(1, chunk))))
                RETURNING id
                """, logger: logger
            ).collect().count
            removed += n
            if n < chunk { return removed }
        }
    }
}
