import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs a statement to its end, reading and dropping its rows. A result
    /// left unread hides an error raised while the statement runs (a
    /// deadlock found while it waits for a lock): only the next statement
    /// would fail, with "current transaction is aborted".
    func perform(_ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line) async throws {
        for try await _ in try await self.query(query, logger: logger, file: file, line: line) {}
    }
}
