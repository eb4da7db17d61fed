import Logging
import ServiceLifecycle
import TreeringSQLite

/// Beside the server: copies the write-ahead log into the database file
/// every `interval`, from its own connection, so commits never do it.
struct CheckpointService: Service {
    let checkpointer: WALCheckpointer
    let logger: Logger
    var interval: Duration = .seconds(1)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await checkpointer.checkpoint()
            } catch {
                logger.error("checkpoint: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
