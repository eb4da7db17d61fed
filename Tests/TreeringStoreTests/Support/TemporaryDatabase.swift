import Foundation

@testable import TreeringSQLite
@testable import TreeringStore

/// A fresh database file in a temporary folder, removed afterwards.
final class TemporaryDatabase {
    let folder: URL
    var path: String { folder.appendingPathComponent("treering.sqlite").path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("treering-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func open() throws -> SQLiteStore { try SQLiteStore(path: path) }
}
