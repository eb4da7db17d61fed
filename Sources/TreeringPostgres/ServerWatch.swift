import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// Watches the database server from one connection of its own, outside the
/// pool: `SELECT 1` every `interval`, a few seconds at most for an answer.
/// While it fails, the store refuses new work at once (`ServerUnreachable`,
/// a 503) instead of leaving each request to wait out the pool's minute of
/// retries; it says so in the log once when the server goes and once when
/// it is back.
final class ServerWatch: Sendable {
    private let down = Mutex(false)
    private let task = Mutex<Task<Void, Never>?>(nil)
    static let interval: Duration = .seconds(1)
    static let answerWithin: Duration = .seconds(3)

    var isDown: Bool { down.withLock { $0 } }

    /// Throws `ServerUnreachable` while the server is away.
    func check() throws {
        if isDown { throw ServerUnreachable() }
    }

    func start(_ configuration: PostgresConnection.Configuration, logger: Logger) {
        let watching = Task { [self] in await watch(configuration, logger: logger) }
        task.withLock { $0 = watching }
    }

    /// Stops watching without waiting (a store dropped without `close()`).
    func cancel() {
        task.withLock { $0 }?.cancel()
    }

    func stop() async {
        let watching = task.withLock { $0 }
        watching?.cancel()
        await watching?.value
    }

    private func watch(_ configuration: PostgresConnection.Configuration, logger: Logger) async {
        var connection: PostgresConnection?
        while !Task.isCancelled {
            let healthy = await Self.ping(&connection, configuration, logger: logger)
            // A ping cut short by the store closing says nothing of the server.
            if Task.isCancelled { break }
            let wasDown = down.withLock { state in
                defer { state = !healthy }
                return state
            }
            if healthy == wasDown {
                if healthy {
                    logger.notice("the PostgreSQL server answers again")
                } else {
                    logger.error("the PostgreSQL server does not answer: refusing requests with 503 until it does")
                }
            }
            do { try await Task.sleep(for: Self.interval) } catch { break }
        }
        try? await connection?.close()
    }

    /// One `SELECT 1` on the watch's connection (made again after a failure),
    /// answered within `answerWithin`. The query runs apart and is not
    /// waited for past that: on a connection whose server vanished it may
    /// never end.
    private static func ping(
        _ connection: inout PostgresConnection?, _ configuration: PostgresConnection.Configuration, logger: Logger
    ) async -> Bool {
        do {
            let live: PostgresConnection
            if let connection {
                live = connection
            } else {
                live = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
                connection = live
            }
            let answer = PingAnswer()
            let query = Task {
                do {
                    for try await _ in try await live.query("SELECT 1", logger: logger) {}
                    answer.set(true)
                } catch {
                    answer.set(false)
                }
            }
            let deadline = ContinuousClock.now + answerWithin
            while ContinuousClock.now < deadline {
                if let answered = answer.value {
                    if answered { return true }
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            query.cancel()
            throw ServerUnreachable()
        } catch {
            let dead = connection
            connection = nil
            // Closed apart too: closing a connection to a vanished server can hang as well.
            Task { try? await dead?.close() }
            return false
        }
    }
}

/// What one ping's query came to, set from the task that ran it.
final class PingAnswer: @unchecked Sendable {
    private let lock = NSLock()
    private var answered: Bool?

    var value: Bool? { lock.withLock { answered } }

    func set(_ value: Bool) {
        lock.withLock { answered = value }
    }
}
