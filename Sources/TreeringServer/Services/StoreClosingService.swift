import Logging
import ServiceLifecycle
import TreeringStore

/// Closes the store when the server shuts down, after the HTTP server and
/// the other services: a PostgreSQL store's connections end cleanly instead
/// of being dropped when the process exits.
struct StoreClosingService: Service {
    let store: any ProfileStore
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        do {
            try await store.close()
        } catch {
            logger.error("closing the store: \(error)")
        }
    }
}
