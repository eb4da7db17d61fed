import Foundation
import Testing

@testable import TreeringStore

/// Shown as skipped when there is no test PostgreSQL: then every store test
/// ran on SQLite alone (`Backend.available`).
@Suite(
    .temporaryDatabases,
    .enabled(if: Backend.postgresAdminURL != nil, "TREERING_TEST_POSTGRES_URL is not set: the store tests ran on SQLite only")
)
struct PostgresBackendTests {
    /// A fresh PostgreSQL store has every table `treering copy` moves, and
    /// only the rollups' state in them, as a fresh SQLite file.
    @Test func aNewDatabaseHasEveryTableAndIsEmptyAsSQLite() async throws {
        let postgres = try await TemporaryDatabase(.postgres).open().rowCounts()
        let sqlite = try await TemporaryDatabase(.sqlite).open().rowCounts()
        #expect(Set(postgres.keys) == Set(StoreTable.allCases))
        #expect(postgres == sqlite)
    }
}
