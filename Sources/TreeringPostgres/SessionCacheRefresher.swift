import Logging
import TreeringStore

/// Reloads the active-session cache from the database, one load at a time,
/// so that an older read never overwrites a newer one. A caller that waits
/// (`refresh`) returns after a load that began after it asked; asks that
/// come during a load share the next one, so a burst of notifications
/// costs two loads, not one each.
actor SessionCacheRefresher {
    private let load: @Sendable () async throws -> [ActiveSession]
    private let cache: ActiveSessionCache
    private let logger: Logger
    private var asked = 0
    private var loaded = 0
    private var loading = false
    /// Set when the store closes: no more loads.
    private var closed = false
    private var waiting: [(ticket: Int, continuation: CheckedContinuation<Void, Never>)] = []

    init(cache: ActiveSessionCache, logger: Logger, load: @escaping @Sendable () async throws -> [ActiveSession]) {
        self.cache = cache
        self.logger = logger
        self.load = load
    }

    /// Reloads and waits until the cache holds what the database held after this call began.
    func refresh() async {
        let ticket = ask()
        guard loaded < ticket, !closed else { return }
        await withCheckedContinuation { waiting.append((ticket, $0)) }
    }

    /// Asks for a reload without waiting for it.
    func nudge() {
        _ = ask()
    }

    /// Stops loading (the store is closing); whoever waits is let go.
    func close() {
        closed = true
        for waiter in waiting { waiter.continuation.resume() }
        waiting = []
    }

    private func ask() -> Int {
        asked += 1
        if !loading, !closed {
            loading = true
            Task { await loadWhileAsked() }
        }
        return asked
    }

    private func loadWhileAsked() async {
        while loaded < asked, !closed {
            let target = asked
            do {
                let sessions = try await load()
                if !closed { await cache.replaceAll(sessions) }
            } catch  where !closed {
                // The next notification or the listener's fallback tick tries again.
                logger.warning("could not reload the running sessions", metadata: ["error": "\(String(reflecting: error))"])
            } catch {}
            loaded = target
            let (done, still) = (waiting.filter { $0.ticket <= target }, waiting.filter { $0.ticket > target })
            waiting = still
            for waiter in done { waiter.continuation.resume() }
        }
        loading = false
    }
}
