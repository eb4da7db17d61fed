import Foundation
import Logging
import ServiceLifecycle
import TreeringStore

/// The background maintenance job beside the server: adds new uploads to the rollups
/// and writes the expiry of sessions past their deadline every couple of
/// seconds, and removes data older than the retention now and then. It is the only writer of rollup rows in production; queries stay
/// exact meanwhile because they read uploads not yet rolled up directly.
struct MaintenanceService: Service {
    let database: any ProfileStore
    let retentionSeconds: Double
    let logger: Logger
    var interval: Duration = .seconds(2)
    /// Uploads added per pass. A pass rewrites every rollup row its uploads
    /// touch, so it waits for the next interval unless a full batch shows a
    /// backlog: going on at once with the few uploads that came meanwhile
    /// rewrote the same rows ten times a second under steady ingest.
    var batch = 1_000
    var retentionEvery: Double = 600

    func run() async throws {
        var lastRetention = 0.0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                var rolled = 0
                while true {
                    let n = try await database.rollUp(batch: batch)
                    rolled += n
                    if n < batch || Task.isShuttingDownGracefully { break }
                }
                if rolled > 0 { logger.debug("rolled up \(rolled) profiles") }
                let now = Date().timeIntervalSince1970
                let expired = try await database.expireSessions(now: now)
                if expired > 0 { logger.info("\(expired) sessions expired") }
                if now - lastRetention >= retentionEvery {
                    lastRetention = now
                    let removed = try await database.removeData(before: now - retentionSeconds)
                    if removed > 0 { logger.info("retention removed \(removed) profiles older than \(Int(retentionSeconds)) s") }
                    let sessions = try await database.removeSessions(before: now - retentionSeconds, now: now)
                    if sessions > 0 { logger.info("retention removed \(sessions) sessions older than \(Int(retentionSeconds)) s") }
                }
            } catch {
                logger.error("rollup: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
