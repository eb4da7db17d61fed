import Logging
import PostgresNIO

/// The pool, behind the server watch: every lease first asks whether the
/// server is there, so an outage answers 503 at once. The same calls as
/// `PostgresClient`'s, which the store's code uses.
struct WatchedClient: Sendable {
    let base: PostgresClient
    let watch: ServerWatch

    func query(
        _ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line
    ) async throws
        -> PostgresRowSequence
    {
        try watch.check()
        return try await base.query(query, logger: logger, file: file, line: line)
    }

    func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation, _ closure: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try watch.check()
        return try await base.withConnection(isolation: isolation, closure)
    }

    func withTransaction<Result>(
        logger: Logger, file: String = #file, line: Int = #line, isolation: isolated (any Actor)? = #isolation,
        _ closure: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try watch.check()
        return try await base.withTransaction(logger: logger, file: file, line: line, isolation: isolation, closure)
    }
}
