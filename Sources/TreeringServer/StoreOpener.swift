import Logging
import TreeringPostgres
import TreeringSQLite
import TreeringStore

/// Opens the store a location names (a SQLite file or a `postgres://`
/// URL), migrated and ready. The one place that knows the backends: the
/// server and the commands above it see only `ProfileStore`.
public enum StoreOpener {
    public static func open(
        _ location: String, durability: SQLiteStore.Durability = .normal, limits: StoreLimits = .default, logger: Logger
    ) async throws -> OpenedStore {
        switch StoreLocation(location) {
        case .sqlite(let path):
            let store = try SQLiteStore(path: path, durability: durability, limits: limits)
            let checkpoints = CheckpointService(checkpointer: try WALCheckpointer(path: path), logger: logger)
            return OpenedStore(store: store, services: [checkpoints])
        case .postgres(let url):
            let store = try await PostgresStore.open(url: url, limits: limits, logger: logger)
            return OpenedStore(store: store, services: [])
        }
    }

    /// The store alone, for commands that run once (keys, shares, import,
    /// copy): warnings and errors only, so a command's own output is not
    /// mixed with the driver's notes on connections.
    public static func store(_ location: String) async throws -> any ProfileStore {
        var logger = Logger(label: "treering")
        logger.logLevel = .warning
        return try await open(location, logger: logger).store
    }
}
