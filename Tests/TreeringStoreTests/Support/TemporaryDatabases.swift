import Foundation
import Synchronization
import Testing

/// Removes the databases a test made (`TemporaryDatabase`) when the test
/// ends, passed or failed: the stores opened on them are closed first, then
/// the SQLite folder is deleted or the PostgreSQL database dropped.
struct TemporaryDatabases: TestTrait, SuiteTrait, TestScoping {
    /// The databases of the running test.
    @TaskLocal static var current: Registry?

    final class Registry: Sendable {
        private let databases = Mutex<[TemporaryDatabase]>([])

        func add(_ database: TemporaryDatabase) {
            databases.withLock { $0.append(database) }
        }

        func removeAll() async {
            for database in databases.withLock({ $0 }) { await database.remove() }
        }
    }

    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard testCase != nil else { return try await function() }
        let registry = Registry()
        do {
            try await Self.$current.withValue(registry) { try await function() }
        } catch {
            await registry.removeAll()
            throw error
        }
        await registry.removeAll()
    }
}

extension Trait where Self == TemporaryDatabases {
    /// Every test of the suite gets its `TemporaryDatabase`s removed when it ends.
    static var temporaryDatabases: Self { TemporaryDatabases() }
}
