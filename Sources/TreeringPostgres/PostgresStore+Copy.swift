import Foundation
import PostgresNIO
import TreeringStore

extension PostgresStore {
    /// A page of one table's rows: those whose `StoreTable.cursor` is among
    /// the next `limit` values after `after`, in cursor order (a profile's
    /// trees, a series' rollups never split across pages); `next` is the
    /// last of them, nil once none is left. Tables without a cursor come
    /// whole in the first page.
    public func copyRows(table: StoreTable, after: Int64, limit: Int) async throws -> CopyPage {
        let columns = table.columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let name = table.rawValue
        guard let cursor = table.cursor else {
            guard after == 0 else { return CopyPage(rows: [], next: nil) }
            let query: PostgresQuery = "SELECT \(unescaped: columns) FROM \(unescaped: name) ORDER BY \(unescaped: Self.copyOrder(table))"
            return CopyPage(rows: try await storeRows(query), next: nil)
        }
        let logger = self.logger
        // One snapshot for the cursor values and their rows.
        return try await read { conn in
            let last = try await conn.query(
                """
                SELECT max(\(unescaped: cursor)) FROM
                    (SELECT DISTINCT \(unescaped: cursor) FROM \(unescaped: name) WHERE \(unescaped: cursor) > \(after)
                     ORDER BY \(unescaped: cursor) LIMIT \(Int64(max(1, limit)))) AS page
                """, logger: logger
            ).one(Int64?.self)
            guard let last else { return CopyPage(rows: [], next: nil) }
            var rows: [StoreRow] = []
            for try await row in try await conn.query(
                """
                SELECT \(unescaped: columns) FROM \(unescaped: name)
                WHERE \(unescaped: cursor) > \(after) AND \(unescaped: cursor) <= \(last) ORDER BY \(unescaped: Self.copyOrder(table))
                """, logger: logger)
            {
                rows.append(try row.map(StoreValue.init))
            }
            return CopyPage(rows: rows, next: last)
        }
    }

    private func storeRows(_ query: PostgresQuery) async throws -> [StoreRow] {
        var rows: [StoreRow] = []
        for try await row in try await client.query(query, logger: logger) { rows.append(try row.map(StoreValue.init)) }
        return rows
    }

    /// Inserts rows read from another store, ids kept, in one transaction.
    /// Profiles and rollups get their daily partitions first; a tree row
    /// takes its `start` (the partition key) from its profile, copied before it.
    public func insertCopiedRows(table: StoreTable, _ rows: [StoreRow]) async throws {
        guard !rows.isEmpty else { return }
        let columns = table.columns
        if let odd = rows.first(where: { $0.count != columns.count }) {
            throw StoreError.copyRowShape(table: table.rawValue, columns: odd.count)
        }
        if let timeColumn = [StoreTable.profile: "start", .rollup: "bucket"][table], let at = columns.firstIndex(of: timeColumn) {
            try await ensurePartitions(profileStarts: Set(rows.compactMap { $0[at].time }).sorted())
        }
        let logger = self.logger
        try await write { conn in
            let types = try await Self.columnTypes(conn, table: table, logger: logger)
            // Postgres takes at most 65,535 parameters in a statement.
            let perStatement = max(1, 30_000 / columns.count)
            for first in stride(from: 0, to: rows.count, by: perStatement) {
                let part = rows[first..<min(rows.count, first + perStatement)]
                var binds = PostgresBindings(capacity: part.count * columns.count)
                var tuples: [String] = []
                for row in part {
                    var placeholders: [String] = []
                    for (value, column) in zip(row, columns) {
                        try value.bind(into: &binds)
                        placeholders.append("$\(binds.count)::\(types[column] ?? "text")")
                    }
                    tuples.append("(" + placeholders.joined(separator: ", ") + ")")
                }
                let sql = Self.copyStatement(table, values: tuples.joined(separator: ", "))
                let written = try await conn.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).collect().count
                if table == .profileTree, written < part.count { throw CopyRowsError.treeWithoutProfile }
            }
        }
    }

    /// Rows per table: `treering copy` refuses a target that is not empty.
    public func rowCounts() async throws -> [StoreTable: Int] {
        var counts: [StoreTable: Int] = [:]
        for table in StoreTable.allCases {
            let n = try await client.query("SELECT count(*) FROM \(unescaped: table.rawValue)", logger: logger).one(Int64.self)
            counts[table] = Int(n)
        }
        return counts
    }

    /// Moves every id sequence past the copied ids, so the next row made
    /// here does not take one of theirs; lets every process's session cache
    /// learn of the copied running sessions.
    public func finishCopy() async throws {
        let logger = self.logger
        try await write { conn in
            for table in StoreTable.allCases where table.cursor == "id" {
                try await conn.perform(
                    """
                    SELECT setval(pg_get_serial_sequence(\(table.rawValue), 'id'), max(id))
                    FROM \(unescaped: table.rawValue) HAVING max(id) IS NOT NULL
                    """, logger: logger)
            }
            try await Self.notifySessionsChanged(conn, logger: logger)
        }
        await sessionsChanged()
    }

    /// The statement that writes copied rows given as `VALUES` tuples.
    static func copyStatement(_ table: StoreTable, values: String) -> String {
        let names = table.columns.map { "\"\($0)\"" }.joined(separator: ", ")
        switch table {
        case .rollupState:
            // The one row exists from the migrations: it takes the copied values.
            return """
                UPDATE rollup_state SET rolled_up_to = v.rolled_up_to, version = v.version, newest_start = v.newest_start
                FROM (VALUES \(values)) AS v(\(names)) WHERE rollup_state.id = 1
                """
        case .rollupBuilt:
            return """
                INSERT INTO rollup_built (\(names)) VALUES \(values)
                ON CONFLICT (resolution) DO UPDATE SET through = excluded.through
                """
        case .profileTree:
            let picked = table.columns.map { "v.\"\($0)\"" }.joined(separator: ", ")
            return """
                INSERT INTO profile_tree (\(names), start)
                SELECT \(picked), p.start FROM (VALUES \(values)) AS v(\(names)) JOIN profile p ON p.id = v.profile_id
                RETURNING 1
                """
        default:
            return "INSERT INTO \(table.rawValue) (\(names)) VALUES \(values)"
        }
    }

    /// The order rows are read in: the cursor first, then the rest of the key.
    static func copyOrder(_ table: StoreTable) -> String {
        switch table {
        case .profileTree: "profile_id, series_id"
        case .rollup: "series_id, resolution, bucket"
        case .rollupState: "rolled_up_to"
        case .rollupBuilt: "resolution"
        case .sharedQuery, .sharedComparison: "token"
        default: table.cursor ?? "1"
        }
    }

    /// Each column's type name, for the casts of bound values.
    static func columnTypes(_ conn: PostgresConnection, table: StoreTable, logger: Logger) async throws -> [String: String] {
        var types: [String: String] = [:]
        let rows = try await conn.query(
            """
            SELECT column_name::text, udt_name::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(table.rawValue)
            """, logger: logger)
        for try await (column, type) in rows.decode((String, String).self) { types[column] = type }
        return types
    }
}

extension StoreValue {
    /// A time column's value (a profile's start, a rollup's bucket).
    fileprivate var time: Double? {
        switch self {
        case .integer(let n): Double(n)
        case .real(let x): x
        default: nil
        }
    }
}
