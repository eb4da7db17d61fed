import Logging
import NIOCore
import PostgresNIO
import TreeringStore

/// One plain connection before the pool starts, with the URL's own
/// settings: the pool retries a failing server for about a minute before
/// it fails a request, and opening the store should say at once, in one
/// line, why it cannot (nothing listens there, the password is refused,
/// the database does not exist, TLS is required but not offered).
enum ServerProbe {
    /// The pool's settings as one plain connection's.
    static func configuration(_ config: PostgresClient.Configuration, sslmode: String) throws -> PostgresConnection.Configuration? {
        guard let host = config.host else { return nil }
        let tls: PostgresConnection.Configuration.TLS =
            switch sslmode {
            case "disable": .disable
            case "require", "verify-ca", "verify-full": .require(try .init(configuration: .makeClientConfiguration()))
            default: .prefer(try .init(configuration: .makeClientConfiguration()))
            }
        var probe = PostgresConnection.Configuration(
            host: host, port: config.port ?? 5432, username: config.username, password: config.password, database: config.database,
            tls: tls)
        probe.options.connectTimeout = .seconds(10)
        return probe
    }

    static func check(_ probe: PostgresConnection.Configuration, location: String, logger: Logger) async throws {
        do {
            let connection = try await PostgresConnection.connect(configuration: probe, id: 0, logger: logger)
            try? await connection.close()
        } catch {
            throw StoreError.badLocation("cannot open the PostgreSQL database \(location): \(reason(error))")
        }
    }

    /// The server's own words when it answered (a refused password, an
    /// unknown database), else what failed on the way.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let message = error.serverInfo?[.message] {
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        if error.code == .sslUnsupported { return "the server does not offer TLS, and sslmode asks for it" }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
