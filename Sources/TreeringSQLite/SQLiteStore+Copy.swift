import Foundation
import GRDB
import TreeringStore

/// Rows in and out for `treering copy`, ids and tokens kept, in the
/// backend-neutral form both stores share (`StoreTable`, `StoreValue`).
extension SQLiteStore {
    public func copyRows(table: StoreTable, after: Int64, limit: Int) async throws -> CopyPage {
        let columns = table.columns.map { "\"\($0)\"" }.joined(separator: ", ")
        return try await writer.read { db in
            guard let cursor = table.cursor else {
                guard after == 0 else { return CopyPage(rows: [], next: nil) }
                let rows = try Row.fetchAll(db, sql: "SELECT \(columns) FROM \(table.rawValue)")
                return CopyPage(rows: rows.map(Self.storeRow), next: nil)
            }
            // The next `limit` cursor values, then every row that has one of them:
            // a profile's trees or a series' rollups never split across pages.
            let values = try Int64.fetchAll(
                db, sql: "SELECT DISTINCT \(cursor) FROM \(table.rawValue) WHERE \(cursor) > ? ORDER BY \(cursor) LIMIT ?",
                arguments: [after, limit])
            guard let last = values.last else { return CopyPage(rows: [], next: nil) }
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(columns) FROM \(table.rawValue) WHERE \(cursor) > ? AND \(cursor) <= ? ORDER BY \(cursor)",
                arguments: [after, last])
            return CopyPage(rows: rows.map(Self.storeRow), next: last)
        }
    }

    public func insertCopiedRows(table: StoreTable, _ rows: [StoreRow]) async throws {
        guard !rows.isEmpty else { return }
        let columns = table.columns.map { "\"\($0)\"" }
        let sql: String
        switch table {
        case .rollupState:
            // The one state row exists from the first migration.
            sql = "UPDATE rollup_state SET " + columns.map { "\($0) = ?" }.joined(separator: ", ") + " WHERE id = 1"
        case .rollupBuilt:
            sql = "INSERT OR REPLACE INTO rollup_built (\(columns.joined(separator: ", "))) VALUES (?, ?)"
        default:
            let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
            sql = "INSERT INTO \(table.rawValue) (\(columns.joined(separator: ", "))) VALUES (\(marks))"
        }
        try await writer.write { db in
            let statement = try db.makeStatement(sql: sql)
            for row in rows {
                guard row.count == columns.count else { throw StoreError.copyRowShape(table: table.rawValue, columns: row.count) }
                try statement.execute(arguments: StatementArguments(row.map(Self.databaseValue)))
            }
        }
    }

    public func rowCounts() async throws -> [StoreTable: Int] {
        try await writer.read { db in
            var counts: [StoreTable: Int] = [:]
            for table in StoreTable.allCases {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.rawValue)") ?? 0
            }
            return counts
        }
    }

    /// Nothing to do: SQLite's AUTOINCREMENT counters follow explicit ids.
    public func finishCopy() async throws {}

    public func close() async throws {
        try writer.close()
    }

    static func storeRow(_ row: Row) -> StoreRow {
        row.databaseValues.map { value in
            switch value.storage {
            case .null: .null
            case .int64(let n): .integer(n)
            case .double(let d): .real(d)
            case .string(let s): .text(s)
            case .blob(let b): .blob(b)
            }
        }
    }

    static func databaseValue(_ value: StoreValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let n): n.databaseValue
        case .real(let d): d.databaseValue
        case .text(let s): s.databaseValue
        case .blob(let b): b.databaseValue
        }
    }
}
