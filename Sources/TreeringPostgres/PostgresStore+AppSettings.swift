import Foundation
import PostgresNIO
import TreeringStore

extension PostgresStore {
    /// The packages the app counts as its own (see `MyPackages`); nil when
    /// the app is unknown, empty when none were set.
    public func myPackages(app: String) async throws -> [String]? {
        let rows = try await client.query(
            "SELECT s.my_packages FROM app a LEFT JOIN app_setting s ON s.app_id = a.id WHERE a.name = \(app)", logger: logger
        ).collect()
        guard let row = rows.first else { return nil }
        guard let text = try row.decode(String?.self) else { return [] }
        return try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }

    /// Replaces the app's own packages (names checked by the caller); false
    /// when the app is unknown.
    public func setMyPackages(app: String, _ names: [String]) async throws -> Bool {
        let text = String(decoding: try JSONEncoder().encode(names), as: UTF8.self)
        return try await !client.query(
            """
            INSERT INTO app_setting (app_id, my_packages) SELECT id, \(text) FROM app WHERE name = \(app)
            ON CONFLICT (app_id) DO UPDATE SET my_packages = excluded.my_packages
            RETURNING app_id
            """, logger: logger
        ).collect().isEmpty
    }
}
