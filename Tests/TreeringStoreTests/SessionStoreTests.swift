import Foundation
import Testing
import TreeringCore

@testable import TreeringStore

let viewFrame = Frame(name: "order_detail", file: "shop/views.py", line: 12)
let crunch = Frame(name: "crunch_numbers", file: "shop/math.py", line: 3)

func spec(_ transaction: String = "GET /orders/{pk}", requests: Int = 20, time: Double = 600) -> SessionSpec {
    SessionSpec(transaction: transaction, requests: requests, timeLimitSeconds: time, intervalMs: 5)
}

func requestTags(_ id: String, wall: Double = 60) -> SessionRequestTags {
    SessionRequestTags(request: id, wallMs: wall)
}

/// One recorded request: `count` samples in crunch_numbers under the view.
func requestProfile(_ count: Int64 = 3, extra: Frame? = nil) -> Profile {
    makeProfile(stacks: [([main, viewFrame, crunch] + (extra.map { [$0] } ?? []), count, "Thread-1", [:])])
}

/// Rows and frames, to check that what was refused left nothing behind.
struct RowCounts: Equatable {
    var requests: Int
    var frames: Int
}

func rowCounts(_ db: any ProfileStore) async throws -> RowCounts {
    let counts = try await db.rowCounts()
    return RowCounts(requests: counts[.sessionRequest] ?? 0, frames: counts[.frame] ?? 0)
}

func folded(_ tree: LoadedTree) -> [String: Int64] {
    var out: [String: Int64] = [:]
    for line in tree.folded.split(separator: "\n") {
        let cut = line.lastIndex(of: " ")!
        out[String(line[..<cut]), default: 0] += Int64(line[line.index(after: cut)...])!
    }
    return out
}

@Suite(.temporaryDatabases) struct SessionStoreTests {
    /// With two stores on one database, as two server processes, N is still N.
    @Test(arguments: Backend.available, [1, 2])
    func exactlyNAreCountedUnderManyConcurrentInserts(backend: Backend, stores: Int) async throws {
        let tmp = try await TemporaryDatabase(backend)
        var dbs: [any ProfileStore] = []
        for _ in 0..<stores { dbs.append(try await tmp.open()) }
        let db = dbs[0]
        let session = try await db.createSession(app: "shop", spec: spec(requests: 20), now: 1_000)
        // Eight agents send ten requests each at once: 80 candidates for 20 places.
        let outcomes = try await withThrowingTaskGroup(of: [SessionRequestOutcome].self) { group in
            for agent in 0..<8 {
                let server = dbs[agent % dbs.count]
                group.addTask {
                    var mine: [SessionRequestOutcome] = []
                    for i in 0..<10 {
                        mine.append(
                            try await server.addSessionRequest(
                                session: session.id, tags: requestTags("a\(agent)-r\(i)", wall: Double(agent * 10 + i)),
                                profile: requestProfile(), now: 1_001))
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let counted = outcomes.compactMap { if case .counted(let s) = $0 { s.count } else { nil } }
        #expect(counted.count == 20)
        #expect(Set(counted) == Set(1...20))  // each place given once
        #expect(outcomes.filter { if case .closed(let s) = $0 { s.state == .done } else { false } }.count == 60)
        let stored = try #require(try await db.session(id: session.id, now: 1_002))
        #expect(stored.count == 20)
        #expect(stored.state == .done)
        #expect(stored.closedAt == 1_001)
        #expect(try await db.sessionRequests(session: session.id).count == 20)
        #expect(try await rowCounts(db).requests == 20)
        for server in dbs { #expect(await server.activeSessions.active(app: "shop", now: 1_002).isEmpty) }
    }

    @Test(arguments: Backend.available) func aRetriedRequestIsNotCountedTwice(backend: Backend) async throws {
        let tmp = try await TemporaryDatabase(backend)
        let db = try await tmp.open()
        let session = try await db.createSession(app: "shop", spec: spec(requests: 2), now: 1_000)
        guard
            case .counted(let first) = try await db.addSessionRequest(
                session: session.id, tags: requestTags("r1"), profile: requestProfile(), now: 1_001)
        else {
            Issue.record("first request not counted")
            return
        }
        #expect(first.count == 1)
        let again = try await db.addSessionRequest(session: session.id, tags: requestTags("r1"), profile: requestProfile(), now: 1_002)
        #expect(again == .duplicate(first))
        guard
            case .counted(let done) = try await db.addSessionRequest(
                session: session.id, tags: requestTags("r2"), profile: requestProfile(), now: 1_003)
        else {
            Issue.record("second request not counted")
            return
        }
        #expect(done.count == 2 && done.state == .done)
        // The Nth request's answer was lost and the agent retries: still a success.
        #expect(
            try await db.addSessionRequest(session: session.id, tags: requestTags("r2"), profile: requestProfile(), now: 1_004)
                == .duplicate(done))
        #expect(try await rowCounts(db).requests == 2)
    }

    @Test(arguments: Backend.available) func aRefusedRequestLeavesNothingBehind(backend: Backend) async throws {
        let tmp = try await TemporaryDatabase(backend)
        let db = try await tmp.open()
        let done = try await db.createSession(app: "shop", spec: spec(requests: 1), now: 1_000)
        _ = try await db.addSessionRequest(session: done.id, tags: requestTags("r1"), profile: requestProfile(), now: 1_001)
        let before = try await rowCounts(db)
        // A frame never seen before: it must not be interned by a refused request.
        let novel = Frame(name: "never_stored", file: "x.py", line: 1)
        let late = try await db.addSessionRequest(
            session: done.id, tags: requestTags("r2"), profile: requestProfile(extra: novel), now: 1_002)
        guard case .closed(let s) = late else {
            Issue.record("\(late)")
            return
        }
        #expect(s.state == .done && s.count == 1)
        #expect(try await rowCounts(db) == before)

        let short = try await db.createSession(app: "shop", spec: spec(requests: 5, time: 10), now: 2_000)
        let expired = try await db.addSessionRequest(
            session: short.id, tags: requestTags("r1"), profile: requestProfile(extra: novel), now: 2_010)
        guard case .closed(let e) = expired else {
            Issue.record("\(expired)")
            return
        }
        #expect(e.state == .expired && e.count == 0 && e.closedAt == 2_010)
        #expect(try await rowCounts(db) == before)

        let stopped = try await db.createSession(app: "shop", spec: spec(), now: 3_000)
        #expect(try await db.stopSession(id: stopped.id, now: 3_001)?.state == .stopped)
        let afterStop = try await db.addSessionRequest(
            session: stopped.id, tags: requestTags("r1"), profile: requestProfile(extra: novel), now: 3_002)
        guard case .closed(let st) = afterStop else {
            Issue.record("\(afterStop)")
            return
        }
        #expect(st.state == .stopped && st.closedAt == 3_001)
        #expect(try await rowCounts(db) == before)
        #expect(
            try await db.addSessionRequest(session: 999, tags: requestTags("r1"), profile: requestProfile(), now: 3_003)
                == .unknownSession)
    }

    @Test(arguments: Backend.available) func aSessionPastItsDeadlineExpires(backend: Backend) async throws {
        let tmp = try await TemporaryDatabase(backend)
        let db = try await tmp.open()
        let s = try await db.createSession(app: "shop", spec: spec(time: 10), now: 1_000)
        #expect(await db.activeSessions.active(app: "shop", now: 1_005).map(\.id) == [s.id])
        #expect(try await db.session(id: s.id, now: 1_005)?.state == .running)
        // Read after the deadline, before the expiry is written: already expired.
        let read = try #require(try await db.session(id: s.id, now: 1_011))
        #expect(read.state == .expired && read.closedAt == 1_010)
        #expect(await db.activeSessions.active(app: "shop", now: 1_011).isEmpty)
        #expect(try await db.expireSessions(now: 1_011) == 1)
        #expect(try await db.expireSessions(now: 1_012) == 0)
        let stored = try await storedRows(db, .session).first { $0["id"]?.integer == s.id }
        #expect(stored?["state"]?.text == "expired")
        // Stopping a session that is over keeps its state.
        #expect(try await db.stopSession(id: s.id, now: 1_020)?.state == .expired)
    }

    @Test(arguments: Backend.available) func runningSessionsAreActiveAgainAfterReopening(backend: Backend) async throws {
        let tmp = try await TemporaryDatabase(backend)
        let now = Date().timeIntervalSince1970
        let running: SessionSummary
        let stopped: SessionSummary
        do {
            let db = try await tmp.open()
            running = try await db.createSession(app: "shop", spec: spec("GET /a"), now: now)
            stopped = try await db.createSession(app: "shop", spec: spec("GET /b"), now: now)
            _ = try await db.stopSession(id: stopped.id, now: now)
        }
        let reopened = try await tmp.open()
        let active = await reopened.activeSessions.active(app: "shop", now: now + 1)
        #expect(active.map(\.id) == [running.id])
        #expect(active.first?.transaction == "GET /a" && active.first?.intervalMs == 5)
        #expect(!active.contains { $0.id == stopped.id })
        #expect(try await reopened.listSessions(app: "shop", limit: 100, now: now + 1).map(\.id) == [stopped.id, running.id])
    }

    @Test(arguments: Backend.available) func retentionRemovesOldSessionsWithTheirRequests(backend: Backend) async throws {
        let tmp = try await TemporaryDatabase(backend)
        let db = try await tmp.open()
        let old = try await db.createSession(app: "shop", spec: spec(requests: 1), now: 1_000)
        _ = try await db.addSessionRequest(session: old.id, tags: requestTags("r1"), profile: requestProfile(), now: 1_001)
        let oldExpired = try await db.createSession(app: "shop", spec: spec(time: 100), now: 1_500)
        // Older than the cutoff but still running (a time limit longer than the retention): kept until over.
        let long = try await db.createSession(app: "shop", spec: spec(time: 86_400), now: 2_000)
        _ = try await db.addSessionRequest(session: long.id, tags: requestTags("r1"), profile: requestProfile(), now: 2_001)
        let recent = try await db.createSession(app: "shop", spec: spec(requests: 1), now: 5_000)
        _ = try await db.addSessionRequest(session: recent.id, tags: requestTags("r1"), profile: requestProfile(), now: 5_001)

        #expect(try await db.removeSessions(before: 3_000, now: 6_000) == 2)
        #expect(try await db.session(id: old.id) == nil)
        #expect(try await db.session(id: oldExpired.id) == nil)
        #expect(try await db.session(id: long.id, now: 6_000)?.state == .running)
        #expect(try await db.session(id: recent.id) != nil)
        #expect(try await rowCounts(db).requests == 2)
        #expect(try await db.sessionTree(id: old.id) == nil)
    }

    @Test(arguments: Backend.available) func theMergedTreeIsTheSumOfTheRequestTrees(backend: Backend) async throws {
        let tmp = try await TemporaryDatabase(backend)
        let db = try await tmp.open()
        let s = try await db.createSession(app: "shop", spec: spec(requests: 3), now: 1_000)
        let profiles = [
            makeProfile(stacks: [([main, viewFrame, crunch], 4, "T1", [:]), ([main, viewFrame], 1, "T1", [:])]),
            makeProfile(stacks: [([main, viewFrame, crunch], 2, "T2", [:]), ([main, viewFrame, query], 3, "T2", [:])]),
            makeProfile(stacks: []),  // a fast request: no sample at all
        ]
        for (i, p) in profiles.enumerated() {
            _ = try await db.addSessionRequest(session: s.id, tags: requestTags("r\(i)", wall: Double(i * 50)), profile: p, now: 1_001)
        }
        var expected: [String: Int64] = [:]
        for i in profiles.indices {
            let own = try #require(try await db.sessionRequestTree(id: s.id, request: "r\(i)"))
            expected.merge(folded(own)) { $0 + $1 }
        }
        let merged = try #require(try await db.sessionTree(id: s.id))
        #expect(folded(merged) == expected)
        #expect(merged.tree.totalCount == 10)
        #expect(merged.intervalMs == 5)
        #expect(expected["main (app.py:1);order_detail (shop/views.py:12);crunch_numbers (shop/math.py:3)"] == 6)
        #expect(try await db.sessionRequests(session: s.id).map(\.request) == ["r2", "r1", "r0"])  // slowest first
        #expect(try await db.sessionRequests(session: s.id).map(\.samples) == [0, 5, 5])
        #expect(try await db.sessionRequestTree(id: s.id, request: "nope") == nil)
    }
}
