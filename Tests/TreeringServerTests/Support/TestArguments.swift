import Foundation
import TreeringServer
import TreeringStore

/// The arguments a test builds the real application with: a fresh SQLite
/// file, the repo's own templates and static files.
struct TestArguments: AppArguments {
    static let repo = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    var hostname = "127.0.0.1"
    var port = 0
    var databasePath: String
    var durability = AppDatabase.Durability.normal
    var limits = IngestLimits()
    var publicDirectory = repo.appendingPathComponent("Public").path
    var templatesDirectory = repo.appendingPathComponent("Templates").path
    /// The test vectors carry fixed dates (2024): keep them.
    var retentionSeconds: Double = 100 * 365 * 86_400
    var storeLimits = StoreLimits()
    var serverLimits = ServerLimits()
    var openAccess = false

    init(limits: IngestLimits = IngestLimits()) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("treering-server-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        databasePath = folder.appendingPathComponent("test.sqlite").path
        self.limits = limits
    }
}
