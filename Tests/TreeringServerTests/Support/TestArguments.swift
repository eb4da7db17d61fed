import Foundation
import TreeringSQLite
import TreeringServer
import TreeringStore

/// The arguments a test builds the real application with: a fresh store,
/// the repo's own templates and static files. The store is a SQLite file,
/// or, with `TREERING_TEST_BACKEND=postgres`, a fresh database on the
/// PostgreSQL at `TREERING_TEST_POSTGRES_URL` (the test command runs the
/// HTTP API tests both ways).
struct TestArguments: AppArguments {
    static let repo = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    var hostname = "127.0.0.1"
    var port = 0
    var database: String
    var durability = SQLiteStore.Durability.normal
    var limits = IngestLimits()
    var publicDirectory = repo.appendingPathComponent("Public").path
    var templatesDirectory = repo.appendingPathComponent("Templates").path
    /// The test vectors carry fixed dates (2024): keep them.
    var retentionSeconds: Double = 100 * 365 * 86_400
    var storeLimits = StoreLimits()
    var serverLimits = ServerLimits()
    var openAccess = false

    init(limits: IngestLimits = IngestLimits()) {
        database = Self.freshDatabase()
        self.limits = limits
    }

    /// The store the application will open, opened by the test itself (to add keys first).
    func openStore() async throws -> any ProfileStore {
        try await StoreOpener.store(database)
    }

    static func freshDatabase() -> String {
        let environment = ProcessInfo.processInfo.environment
        if environment["TREERING_TEST_BACKEND"] == "postgres" {
            guard let admin = environment["TREERING_TEST_POSTGRES_URL"] else {
                fatalError("TREERING_TEST_BACKEND=postgres needs TREERING_TEST_POSTGRES_URL (scripts/postgres.sh start prints one)")
            }
            return PostgresTestDatabase.create(adminURL: admin)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("treering-server-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("test.sqlite").path
    }
}
