import Foundation
import Logging
import PostgresNIO
import TreeringCore
import TreeringStore

/// The store on PostgreSQL: any number of server processes share one
/// database. Same behaviour as `SQLiteStore`, method for method; what must
/// hold across processes (the rollup watermark, one rollup or retention
/// pass at a time, partitions made on demand) rests on advisory locks
/// (`PostgresLocks`). The in-memory caches hold only what never changes
/// (a frame's or an app's id) or are reloaded (running sessions).
public final class PostgresStore: ProfileStore {
    let client: WatchedClient
    let limits: StoreLimits
    let frameCache = FrameIDCache()
    let seriesCache = SeriesIDCache(limit: 100_000)
    let logger: Logger
    /// The running sessions, served to agents without a database read.
    public let activeSessions: ActiveSessionCache
    /// The last cap each app ran into, for the dashboard.
    public let capNotices = CapNotices()
    /// The daily partitions known to exist.
    let partitions = KnownPartitions()
    /// Reloads `activeSessions` when another process opens or closes a session.
    let sessionListener: SessionListener
    private let runner: Task<Void, Never>

    private init(
        client: WatchedClient, runner: Task<Void, Never>, limits: StoreLimits, logger: Logger, sessions: [ActiveSession]
    ) {
        self.client = client
        self.runner = runner
        self.limits = limits
        self.logger = logger
        activeSessions = ActiveSessionCache(sessions)
        sessionListener = Self.startSessionListener(client: client.base, activeSessions: activeSessions, logger: logger)
    }

    /// Opens (runs the client in a task it owns), migrates under an advisory
    /// lock, loads the running sessions.
    public static func open(
        url: String, limits: StoreLimits = .default, logger: Logger = Logger(label: "treering.postgres")
    ) async throws -> PostgresStore {
        let configuration = try PostgresURL.configuration(url)
        let probe = try ServerProbe.configuration(configuration, sslmode: PostgresURL.sslmode(url))
        if let probe { try await ServerProbe.check(probe, location: "\(StoreLocation(url))", logger: logger) }
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let watch = ServerWatch()
        // Started before the first lease, which postgres-nio would log as early.
        let (started, signal) = AsyncStream<Void>.makeStream()
        let runner = Task {
            signal.finish()
            await client.run()
        }
        for await _ in started {}
        do {
            try await PostgresSchema.migrate(client, logger: logger)
            let sessions = try await runningSessions(client, logger: logger)
            let store = PostgresStore(
                client: WatchedClient(base: client, watch: watch), runner: runner, limits: limits, logger: logger, sessions: sessions)
            if let probe { watch.start(probe, logger: logger) }
            try await store.ensurePartitionsAroundNow()
            return store
        } catch {
            runner.cancel()
            await runner.value
            throw error
        }
    }

    /// A store dropped without `close()` (a test's, a command's) lets go of its connections.
    deinit {
        client.watch.cancel()
        runner.cancel()
    }

    /// Lets go of the connections.
    public func close() async throws {
        await sessionListener.stop()
        await client.watch.stop()
        runner.cancel()
        await runner.value
    }

    /// The sessions still running, as the cache holds them.
    static func runningSessions(_ client: PostgresClient, logger: Logger) async throws -> [ActiveSession] {
        var sessions: [ActiveSession] = []
        let rows = try await client.query(
            """
            SELECT s.id, a.name, s.transaction_name, s.interval_ms, s.until FROM session s JOIN app a ON a.id = s.app_id
            WHERE s.state = 'running' ORDER BY s.id
            """, logger: logger)
        for try await (id, app, transaction, interval, until) in rows.decode((Int64, String, String, Double, Double).self) {
            sessions.append(ActiveSession(id: id, app: app, transaction: transaction, intervalMs: interval, until: until))
        }
        return sessions
    }
}
