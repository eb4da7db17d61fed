import Foundation

/// A new, empty database on the test PostgreSQL, made with `psql` (Debian's
/// client, installed with the server): each test gets its own, as each
/// SQLite test gets its own file. The throwaway cluster goes at the end.
enum PostgresTestDatabase {
    static func create(adminURL: String) -> String {
        let name = "treering_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        psql.arguments = [adminURL, "-q", "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE \(name)"]
        do {
            try psql.run()
            psql.waitUntilExit()
        } catch {
            fatalError("psql: \(error)")
        }
        guard psql.terminationStatus == 0 else { fatalError("psql could not create \(name) on \(adminURL)") }
        return replacingDatabase(in: adminURL, with: name)
    }

    /// `postgres://user@host:port/postgres?x` with the database part replaced, and a small pool.
    static func replacingDatabase(in url: String, with name: String) -> String {
        guard var components = URLComponents(string: url) else { fatalError("not a URL: \(url)") }
        components.path = "/" + name
        // Tests leave their stores open (an in-memory router runs no
        // shutdown): small pools keep them under max_connections.
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "pool_size", value: "4")]
        return components.string!
    }
}
