import Foundation
import PostgresNIO

/// Reads `postgres://user:password@host:port/database?sslmode=...&pool_size=N` into
/// the client's configuration.
enum PostgresURL {
    struct Invalid: Error, CustomStringConvertible {
        var reason: String
        var description: String { "database URL: \(reason)" }
    }

    static func configuration(_ url: String) throws -> PostgresClient.Configuration {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw Invalid(reason: "expected postgres://user@host:port/database")
        }
        guard let host = parts.host, !host.isEmpty else { throw Invalid(reason: "no host") }
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        let mode = parts.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw Invalid(reason: "sslmode \(mode) is not one of disable, prefer, require")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: parts.port ?? 5432, username: parts.user ?? "postgres", password: parts.password,
            database: database.isEmpty ? nil : database, tls: tls)
        // Connections this process may open: PostgreSQL's max_connections
        // must cover every process's pool (docs/scaling.md). At least 4: the
        // session listener, a rollup and a retention pass each keep one
        // while they work on others.
        if let text = parts.queryItems?.first(where: { $0.name == "pool_size" })?.value {
            guard let size = Int(text), (4...1_000).contains(size) else {
                throw Invalid(reason: "pool_size must be a whole number from 4 to 1000 (got \"\(text.prefix(20))\")")
            }
            configuration.options.maximumConnections = size
        }
        return configuration
    }
}
