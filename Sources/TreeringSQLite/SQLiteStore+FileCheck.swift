import Foundation
import GRDB
import TreeringStore

extension SQLiteStore {
    /// Refuses, before anything writes to it, a file that is not an empty
    /// SQLite database or one of ours: another program's database, one from
    /// a newer Treering, or a damaged one. Opening it for real would turn on
    /// WAL mode and run the migrations, changing it.
    static func checkExistingFile(_ path: String) throws {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > 0 else { return }
        func refuse(_ reason: String) -> StoreError { .unusableFile(path: path, reason: reason) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw refuse("cannot be read") }
        let header = handle.readData(ofLength: 16)
        try? handle.close()
        guard header == Data("SQLite format 3\0".utf8) else { throw refuse("is not a SQLite database") }
        var config = Configuration()
        config.readonly = true
        let problem: String? = try {
            let queue: DatabaseQueue
            do { queue = try DatabaseQueue(path: path, configuration: config) } catch { return "cannot be opened (\(error))" }
            defer { try? queue.close() }
            return try queue.read { db -> String? in
                let check: String
                do { check = try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "" } catch { return "is damaged (\(error))" }
                guard check == "ok" else { return "is damaged: PRAGMA quick_check says \(check.prefix(200))" }
                let tables = try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                if tables.isEmpty { return nil }
                guard tables.contains("grdb_migrations") else {
                    return "is not a Treering database (it holds the tables \(tables.prefix(8).joined(separator: ", ")))"
                }
                let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                let known = Set(migrator.migrations)
                let unknown = applied.filter { !known.contains($0) }
                guard unknown.isEmpty else {
                    return "was written by a newer Treering (migrations \(unknown.joined(separator: ", ")) are unknown to this one)"
                }
                guard applied.contains("v1") else { return "is not a Treering database (no v1 migration)" }
                return nil
            }
        }()
        if let problem { throw refuse(problem) }
    }
}
