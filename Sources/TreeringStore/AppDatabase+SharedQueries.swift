import Foundation
import GRDB
import TreeringCore

extension AppDatabase {
    /// Keeps `query` under a new share token; nil when the app is unknown.
    public func share(_ query: AppQuery, now: Double = Date().timeIntervalSince1970) async throws -> SharedQuery? {
        let token = ShareToken.make()
        let filter = try Self.encode(query.filter)
        return try await writer.write { db in
            guard let appID = try Self.existingAppID(db, name: query.app) else { return nil }
            try db.execute(
                sql: """
                    INSERT INTO shared_query (token, app_id, range_from, range_until, filter, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [token, appID, query.from, query.until, filter, now])
            return SharedQuery(token: token, query: query, createdAt: now)
        }
    }

    public func sharedQuery(token: String) async throws -> SharedQuery? {
        let row = try await writer.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT s.token, a.name, s.range_from, s.range_until, s.filter, s.created_at
                    FROM shared_query s JOIN app a ON a.id = s.app_id WHERE s.token = ?
                    """,
                arguments: [token])
        }
        guard let row else { return nil }
        let query = AppQuery(app: row[1], from: row[2], until: row[3], filter: try Self.decodeFilter(row[4]))
        return SharedQuery(token: row[0], query: query, createdAt: row[5])
    }

    /// Filters as JSON `{"label": ["value", ...]}`, values sorted so equal filters read the same.
    static func encode(_ filter: LabelFilter) throws -> String {
        let sorted = filter.allowed.mapValues { $0.sorted() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(sorted), as: UTF8.self)
    }

    static func decodeFilter(_ text: String) throws -> LabelFilter {
        let allowed = try JSONDecoder().decode([String: [String]].self, from: Data(text.utf8))
        return LabelFilter(allowed.mapValues(Set.init))
    }
}
