import Foundation
import Logging
import ServiceLifecycle
import TreeringStore

/// Reloads the key ring every `interval` and writes when keys were last
/// used once a minute (not a write per request).
struct KeyRingService: Service {
    let database: any ProfileStore
    let ring: KeyRing
    let logger: Logger
    var interval: Duration = .seconds(2)
    var usedEvery: Double = 60

    func run() async throws {
        var lastUsedWrite = Date().timeIntervalSince1970
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            do {
                ring.replace(try await database.activeKeyCredentials())
                let now = Date().timeIntervalSince1970
                if now - lastUsedWrite >= usedEvery || Task.isShuttingDownGracefully {
                    lastUsedWrite = now
                    try await database.markKeysUsed(ring.takeUsed(), at: now)
                }
            } catch {
                logger.error("keys: \(error)")
            }
        }
    }
}
