import Logging
import PostgresNIO
import TreeringStore

extension PostgresStore {
    /// The listener that keeps `activeSessions` current across processes;
    /// the store starts it when it opens and stops it when it closes.
    static func startSessionListener(
        client: PostgresClient, activeSessions: ActiveSessionCache, logger: Logger
    ) -> SessionListener {
        let refresher = SessionCacheRefresher(cache: activeSessions, logger: logger) {
            try await runningSessions(client, logger: logger)
        }
        return SessionListener(client: client, refresher: refresher, logger: logger)
    }

    /// After a commit that opened or closed a session, and after the cache
    /// was updated directly: waits for a reload that began after the commit,
    /// so a reload already under way (read before it) cannot leave the old
    /// state behind once this returns.
    func sessionsChanged() async {
        await sessionListener.refresher.refresh()
    }
}
