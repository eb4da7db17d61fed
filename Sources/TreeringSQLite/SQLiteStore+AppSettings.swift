import Foundation
import GRDB
import TreeringStore

extension SQLiteStore {
    /// The packages the app counts as its own (see `MyPackages`); nil when
    /// the app is unknown, empty when none were set.
    public func myPackages(app: String) async throws -> [String]? {
        let row: (Int64, String?)? = try await writer.read { db in
            guard let appID = try Self.existingAppID(db, name: app) else { return nil }
            return (appID, try String.fetchOne(db, sql: "SELECT my_packages FROM app_setting WHERE app_id = ?", arguments: [appID]))
        }
        guard let row else { return nil }
        guard let text = row.1 else { return [] }
        return try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }

    /// Replaces the app's own packages (names checked by the caller); false
    /// when the app is unknown.
    public func setMyPackages(app: String, _ names: [String]) async throws -> Bool {
        let text = String(decoding: try JSONEncoder().encode(names), as: UTF8.self)
        return try await writer.write { db in
            guard let appID = try Self.existingAppID(db, name: app) else { return false }
            try db.execute(
                sql: """
                    INSERT INTO app_setting (app_id, my_packages) VALUES (?, ?)
                    ON CONFLICT(app_id) DO UPDATE SET my_packages = excluded.my_packages
                    """,
                arguments: [appID, text])
            return true
        }
    }
}
