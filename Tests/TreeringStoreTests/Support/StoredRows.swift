import TreeringStore

/// Every row of a table as the store hands it to `treering copy`, by column
/// name: what a test reads to look at stored rows on either backend.
func storedRows(_ db: any ProfileStore, _ table: StoreTable) async throws -> [[String: StoreValue]] {
    var rows: [[String: StoreValue]] = []
    var after: Int64 = 0
    while true {
        let page = try await db.copyRows(table: table, after: after, limit: 500)
        for row in page.rows { rows.append(Dictionary(uniqueKeysWithValues: zip(table.columns, row))) }
        guard let next = page.next, !page.rows.isEmpty else { return rows }
        after = next
    }
}

extension StoreValue {
    var integer: Int64? { if case .integer(let n) = self { n } else { nil } }
    var text: String? { if case .text(let s) = self { s } else { nil } }
}
