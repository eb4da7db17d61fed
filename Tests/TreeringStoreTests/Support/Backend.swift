import Foundation
import Testing

/// The databases the store tests run on: a test that takes a `Backend`
/// runs once on each, so both stores answer the very same tests.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// The test PostgreSQL's admin URL (`scripts/test.sh` starts one and sets it).
    static var postgresAdminURL: String? { ProcessInfo.processInfo.environment["TREERING_TEST_POSTGRES_URL"] }

    /// The backends there is a database for. Without the URL the PostgreSQL
    /// cases are left out, not passed: `PostgresBackendTests` then shows as
    /// skipped, saying so (a cancelled test case would be reported as passed).
    static var available: [Backend] { postgresAdminURL == nil ? [.sqlite] : allCases }
}
