import Logging
import PostgresNIO

/// One plain connection before the pool starts: the pool retries an
/// unreachable server for a minute before it fails a request, and opening
/// the store should say at once that nothing listens there.
enum ServerProbe {
    /// Throws the connection error when nothing answers at the address;
    /// anything else (TLS required, a password refused) is left for the
    /// pool to report with its own settings.
    static func check(_ config: PostgresClient.Configuration, logger: Logger) async throws {
        guard let host = config.host else { return }
        let plain = PostgresConnection.Configuration(
            host: host, port: config.port ?? 5432, username: config.username, password: config.password, database: config.database,
            tls: .disable)
        do {
            let connection = try await PostgresConnection.connect(configuration: plain, id: 0, logger: logger)
            try? await connection.close()
        } catch let error as PSQLError where error.code == .connectionError {
            throw error
        } catch {
            return
        }
    }
}
