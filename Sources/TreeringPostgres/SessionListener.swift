import Logging
import PostgresNIO
import TreeringStore

/// Keeps one process's active-session cache in step with sessions opened,
/// closed or expired by the other processes on the database. Agents ask
/// for the running sessions every second or two and are answered from the
/// cache, so it must learn of another process's change within that: every
/// transaction that changes a session's state sends `NOTIFY
/// treering_sessions`, and this listener reloads the running sessions on
/// each notification. A notification sent while the listening connection
/// was down is lost, so the cache is also reloaded every few seconds (one
/// indexed query) and whenever the listener starts listening again.
/// Listening holds one pooled connection for as long as the store is open.
final class SessionListener: Sendable {
    static let channel = "treering_sessions"
    /// The fallback reload's period: a lost notification is repaired within this.
    static let fallbackInterval: Duration = .seconds(3)

    let refresher: SessionCacheRefresher
    private let task: Task<Void, Never>

    init(client: PostgresClient, refresher: SessionCacheRefresher, logger: Logger) {
        self.refresher = refresher
        task = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await Self.listen(client: client, refresher: refresher, logger: logger) }
                group.addTask { await Self.tick(refresher: refresher) }
            }
        }
    }

    /// A store dropped without `close()` lets go of its listening connection too.
    deinit {
        task.cancel()
        let refresher = self.refresher
        Task { await refresher.close() }
    }

    /// Stops listening and reloading; returns once both have ended.
    func stop() async {
        task.cancel()
        await task.value
        await refresher.close()
    }

    /// Listens on a connection of its own, and on a fresh one after that one fails.
    private static func listen(client: PostgresClient, refresher: SessionCacheRefresher, logger: Logger) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { conn in
                    try await conn.listen(on: channel) { notifications in
                        // Listening from here on: whatever changed before is in this load.
                        await refresher.nudge()
                        for try await _ in notifications { await refresher.nudge() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("session notifications stopped; listening again", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private static func tick(refresher: SessionCacheRefresher) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: fallbackInterval) } catch { return }
            await refresher.nudge()
        }
    }
}
