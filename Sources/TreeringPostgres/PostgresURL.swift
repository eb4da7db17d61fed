import Foundation
import PostgresNIO

/// Reads `postgres://user:password@host:port/database?sslmode=...` into
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
        return PostgresClient.Configuration(
            host: host, port: parts.port ?? 5432, username: parts.user ?? "postgres", password: parts.password,
            database: database.isEmpty ? nil : database, tls: tls)
    }
}
