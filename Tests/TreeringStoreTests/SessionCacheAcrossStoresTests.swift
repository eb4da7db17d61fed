import Foundation
import Testing
import TreeringCore

@testable import TreeringStore

/// Several server processes on one PostgreSQL database: each answers agents
/// from its own cache of running sessions, which must follow the sessions
/// the other processes open and close (`SessionListener`). SQLite is one
/// process's file, so this is PostgreSQL's alone.
@Suite(
    .temporaryDatabases,
    // Skipped, and shown as skipped, without a PostgreSQL to run on.
    .enabled(if: Backend.postgresAdminURL != nil, "TREERING_TEST_POSTGRES_URL is not set")
)
struct SessionCacheAcrossStoresTests {
    @Test func aStoreLearnsOfSessionsAnotherStoreOpensAndCloses() async throws {
        let tmp = try await TemporaryDatabase(.postgres)
        let (a, b) = (try await tmp.open(), try await tmp.open())
        let now = Date().timeIntervalSince1970
        let opened = try await a.createSession(app: "shop", spec: spec(), now: now)
        #expect(try await eventually { await b.activeSessions.active(app: "shop", now: now + 1).map(\.id) == [opened.id] })
        _ = try await a.stopSession(id: opened.id, now: now + 2)
        #expect(try await eventually { await b.activeSessions.active(app: "shop", now: now + 3).isEmpty })

        // Done by its Nth request sent to the other store.
        let short = try await b.createSession(app: "shop", spec: spec(requests: 1), now: now)
        #expect(try await eventually { await a.activeSessions.active(app: "shop", now: now + 1).map(\.id) == [short.id] })
        _ = try await b.addSessionRequest(session: short.id, tags: requestTags("r1"), profile: requestProfile(), now: now + 1)
        #expect(try await eventually { await a.activeSessions.active(app: "shop", now: now + 3).isEmpty })
    }

    @Test func theRunningSessionsCapHoldsAcrossStores() async throws {
        let tmp = try await TemporaryDatabase(.postgres)
        let (a, b) = (try await tmp.open(), try await tmp.open())
        let limit = StoreLimits.default.maxRunningSessionsPerApp
        // Both stores open sessions at once: together no more than the cap.
        let opened = try await withThrowingTaskGroup(of: Int.self) { group in
            for store in [a, b] {
                group.addTask {
                    var n = 0
                    for i in 0..<limit {
                        do {
                            _ = try await store.createSession(app: "shop", spec: spec("GET /\(i)"), now: 1_000)
                            n += 1
                        } catch StoreError.limitReached {}
                    }
                    return n
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(opened == limit)
        #expect(try await a.listSessions(app: "shop", limit: 100, now: 1_001).count == limit)
    }
}

/// Waits for `condition` to hold, polling; false if it never did within a
/// minute (a generous bound: the listener needs milliseconds, its fallback
/// reload a few seconds).
func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
    for _ in 0..<600 {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return false
}
