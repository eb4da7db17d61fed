import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing
import TreeringPostgres

@testable import TreeringSQLite
@testable import TreeringStore

/// A fresh, empty store location for one test: a SQLite file in a temporary
/// folder, or a new database on the test PostgreSQL (`CREATE DATABASE` on
/// the admin connection of `TREERING_TEST_POSTGRES_URL`). Removed when the
/// test ends (the suite's `.temporaryDatabases` trait).
final class TemporaryDatabase: Sendable {
    let backend: Backend
    /// A SQLite file's path, or a PostgreSQL URL.
    let location: String
    private let folder: URL?
    private let databaseName: String?
    private let opened = Mutex<[any ProfileStore]>([])

    init(_ backend: Backend = .sqlite) async throws {
        guard let registry = TemporaryDatabases.current else {
            fatalError("a suite that makes a TemporaryDatabase needs the .temporaryDatabases trait, which removes it")
        }
        self.backend = backend
        switch backend {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("treering-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            self.folder = folder
            databaseName = nil
            location = folder.appendingPathComponent("treering.sqlite").path
        case .postgres:
            // Tests reach here only with the URL (`Backend.available`, `.enabled(if:)`);
            // a test that does not ask fails rather than passing unrun.
            let admin = try #require(Backend.postgresAdminURL, "TREERING_TEST_POSTGRES_URL is not set")
            let name = "treering_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            try await Self.onAdminConnection(admin) { conn, logger in
                try await conn.query("CREATE DATABASE \(unescaped: name)", logger: logger)
            }
            var url = try #require(URLComponents(string: admin))
            url.path = "/" + name
            folder = nil
            databaseName = name
            location = try #require(url.string)
        }
        registry.add(self)
    }

    /// The SQLite file (SQLite-only tests).
    var path: String { location }

    /// A store on this database; several may be open at once, as several server processes.
    func open() async throws -> any ProfileStore {
        let store: any ProfileStore =
            switch backend {
            case .sqlite: try SQLiteStore(path: location)
            case .postgres: try await PostgresStore.open(url: location)
            }
        opened.withLock { $0.append(store) }
        return store
    }

    /// The SQLite store itself, for the tests that look inside it.
    func openSQLite() throws -> SQLiteStore {
        precondition(backend == .sqlite)
        let store = try SQLiteStore(path: location)
        opened.withLock { $0.append(store) }
        return store
    }

    func remove() async {
        for store in opened.withLock({ $0 }) { try? await store.close() }
        if let folder { try? FileManager.default.removeItem(at: folder) }
        if let databaseName, let admin = Backend.postgresAdminURL {
            try? await Self.onAdminConnection(admin) { conn, logger in
                try await conn.query("DROP DATABASE IF EXISTS \(unescaped: databaseName) WITH (FORCE)", logger: logger)
            }
        }
    }

    /// One connection of its own to the admin database (no pool to run).
    private static func onAdminConnection(
        _ url: String, _ body: (PostgresConnection, Logger) async throws -> Void
    ) async throws {
        let logger = Logger(label: "treering.test.admin")
        let parts = try #require(URLComponents(string: url))
        let configuration = PostgresConnection.Configuration(
            host: parts.host ?? "127.0.0.1", port: parts.port ?? 5432, username: parts.user ?? "postgres",
            password: parts.password, database: String(parts.path.dropFirst()), tls: .disable)
        let conn = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            try await body(conn, logger)
        } catch {
            try? await conn.close()
            throw error
        }
        try await conn.close()
    }
}
