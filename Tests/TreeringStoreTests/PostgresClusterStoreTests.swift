import Foundation
import PostgresNIO
import Synchronization
import Testing
import TreeringCore

@testable import TreeringPostgres
@testable import TreeringStore

/// Several server processes on one PostgreSQL database, as two stores
/// (two connection pools) on it: the rollup watermark, the rollup and
/// retention locks, partitions dropped under another process, frames and
/// migrations raced. PostgreSQL's alone.
@Suite(
    .temporaryDatabases,
    .enabled(if: Backend.postgresAdminURL != nil, "TREERING_TEST_POSTGRES_URL is not set")
)
struct PostgresClusterStoreTests {
    /// Two stores (two pools: as two processes) upload at once while both
    /// run rollup passes: no profile is skipped by the watermark or counted twice.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func concurrentUploadsAndRollupPassesLoseAndDoubleNothing(seed: UInt64) async throws {
        let tmp = try await TemporaryDatabase(.postgres)
        let (a, b) = (try await tmp.openPostgres(), try await tmp.openPostgres())
        let data = RandomUploads(seed: seed, count: 240)
        let stores = [a, b]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<6 {
                let store = stores[w % 2]
                let mine = data.profiles.enumerated().filter { $0.offset % 6 == w }.map(\.element)
                group.addTask {
                    for chunk in stride(from: 0, to: mine.count, by: 2) {
                        _ = try await store.saveProfiles(Array(mine[chunk..<min(chunk + 2, mine.count)]))
                    }
                }
            }
            for store in stores {
                group.addTask {
                    for _ in 0..<40 { try await store.rollUp(batch: 7) }
                }
            }
            try await group.waitForAll()
        }
        let whole = AppQuery(app: "shop", from: 0, until: 1e10)
        #expect(stacks(try await b.queryTree(whole)) == data.expected(whole))
        while try await a.rollUp(batch: 50) > 0 {}
        let progress = try await b.rollupProgress()
        #expect(progress.rolledUpTo == progress.newestProfile)
        let day = AppQuery(app: "shop", from: RandomUploads.origin, until: RandomUploads.origin + RandomUploads.day)
        for query in [whole, day] {
            #expect(stacks(try await a.queryTree(query)) == data.expected(query))
            #expect(stacks(try await b.queryTree(query)) == data.expected(query))
        }
        // Every profile's minute is in the rollups exactly once: their samples add up.
        let minuteSamples = try await a.scalars(
            "SELECT sum(r.samples)::bigint FROM rollup r JOIN series s ON s.id = r.series_id WHERE r.resolution = 60 AND s.labels = '*'")
        #expect(minuteSamples == [data.profiles.reduce(0) { $0 + $1.samples.totalCount }])
    }

    /// An upload that drew its id but has not committed yet when a later
    /// one commits: a rollup pass must wait for it, not move the watermark
    /// past it (it would never be rolled up, and queries would miss it).
    @Test func aRollupPassWaitsForUploadsInFlight() async throws {
        let tmp = try await TemporaryDatabase(.postgres)
        let (a, b) = (try await tmp.openPostgres(), try await tmp.openPostgres())
        _ = try await a.saveProfile(makeProfile(start: 5_000, stacks: [([main], 1, nil, [:])]))
        let slow = try PreparedProfile(makeProfile(start: 5_010, stacks: [([main, handle], 2, nil, [:])]), now: 0)
        nonisolated(unsafe) var pass: Task<Int, any Error>?
        try await a.write { conn in
            try await conn.perform("SELECT pg_advisory_xact_lock_shared(\(PostgresLocks.ingest))", logger: a.logger)
            _ = try await PostgresStore.insert(
                conn, [slow], cache: FrameIDCache(), seriesCache: SeriesIDCache(limit: 100_000), limits: .default, logger: a.logger)
            _ = try await b.saveProfile(makeProfile(start: 5_020, stacks: [([main, query], 4, nil, [:])]))
            let finished = Flag()
            pass = Task {
                defer { finished.set() }
                return try await b.rollUp()
            }
            // Until the pass waits for this transaction, or has finished without waiting.
            while try await b.scalars(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ) == [0], !finished.isSet {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        _ = try await pass?.value
        while try await b.rollUp() > 0 {}
        #expect(
            stacks(try await b.queryTree(AppQuery(app: "shop", from: 0, until: 1e10))) == ["main": 1, "main;handle": 2, "main;query": 4])
    }

    /// Retention in one process while another uploads and rolls up: what
    /// is older goes, the rest is counted once.
    @Test func retentionWhileAnotherProcessUploadsAndRollsUp() async throws {
        let tmp = try await TemporaryDatabase(.postgres)
        let (a, b) = (try await tmp.openPostgres(), try await tmp.openPostgres())
        let cutoff = RandomUploads.origin + 1.5 * RandomUploads.day + 1_260 + 17.25
        let boundary = Double(RollupPlan.floor(cutoff, 60))
        let data = RandomUploads(seed: 21, count: 300)
        let early = data.profiles.prefix(200)
        let late = data.profiles.dropFirst(200).filter { $0.metadata.start >= boundary }
        for p in early { _ = try await a.saveProfile(p) }
        try await a.rollUp(batch: 120)
        let removed = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask { try await a.removeData(before: cutoff, chunk: 7) }
            group.addTask {
                for p in late { _ = try await b.saveProfile(p) }
                return 0
            }
            group.addTask {
                for _ in 0..<30 { try await b.rollUp(batch: 9) }
                return 0
            }
            return try await group.reduce(0, +)
        }
        #expect(removed == early.filter { $0.metadata.start < boundary }.count)
        while try await b.rollUp(batch: 50) > 0 {}
        var kept = data
        kept.profiles = early.filter { $0.metadata.start >= boundary } + late
        for (from, until) in [(0, 1e10), (boundary - 7_200, boundary + 7_200)] {
            let query = AppQuery(app: "shop", from: from, until: until)
            #expect(stacks(try await a.queryTree(query)) == kept.expected(query))
        }
    }

    /// An upload in flight for long: the pass gives up waiting for it and
    /// adds nothing, instead of holding up every new upload behind it.
    @Test func aRollupPassSkipsWhenAnUploadStaysInFlight() async throws {
        let tmp = try await TemporaryDatabase(.postgres)
        let (a, b) = (try await tmp.openPostgres(), try await tmp.openPostgres())
        _ = try await a.saveProfile(makeProfile(start: 5_000, stacks: [([main], 1, nil, [:])]))
        let slow = try PreparedProfile(makeProfile(start: 5_010, stacks: [([main, handle], 2, nil, [:])]), now: 0)
        try await a.write { conn in
            try await conn.perform("SELECT pg_advisory_xact_lock_shared(\(PostgresLocks.ingest))", logger: a.logger)
            _ = try await PostgresStore.insert(
                conn, [slow], cache: FrameIDCache(), seriesCache: SeriesIDCache(limit: 100_000), limits: .default, logger: a.logger)
            #expect(try await b.rollUp() == 0)
        }
        #expect(try await b.rollUp() == 2)
        #expect(stacks(try await b.queryTree(AppQuery(app: "shop", from: 0, until: 1e10))) == ["main": 1, "main;handle": 2])
    }

    /// Another process's retention drops a partition this process knows:
    /// its next upload there makes it again.
    @Test func uploadIntoAPartitionDroppedByAnotherProcess() async throws {
        let tmp = try await TemporaryDatabase(.postgres)
        let (a, b) = (try await tmp.openPostgres(), try await tmp.openPostgres())
        let day = RandomUploads.origin
        _ = try await a.saveProfile(makeProfile(start: day + 100, stacks: [([main], 1, nil, [:])]))
        #expect(try await b.removeData(before: day + 2 * RandomUploads.day) == 1)
        #expect(try await a.strings("SELECT relname::text FROM pg_class WHERE relname = 'profile_p20241124'").isEmpty)
        let saved = try await a.saveProfile(makeProfile(start: day + 200, stacks: [([main, handle], 2, nil, [:])]))
        #expect(try await b.profile(id: saved.id)?.samples == 2)
        #expect(stacks(try await b.queryTree(AppQuery(app: "shop", from: 0, until: 1e10))) == ["main;handle": 2])
    }

    /// Several processes starting at once on an empty database: each
    /// migration runs once.
    @Test func storesOpeningAtOnceMigrateOnce() async throws {
        let tmp = try await TemporaryDatabase(.postgres)
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<4 { group.addTask { try await tmp.openPostgres() } }
            var stores: [PostgresStore] = []
            for try await s in group { stores.append(s) }
            return stores
        }
        #expect(try await stores[0].scalars("SELECT count(*) FROM schema_migration") == [Int64(PostgresSchema.migrations.count)])
    }

    /// One rollup pass at a time across processes: while another holds the
    /// lock, a pass returns 0 without work.
    @Test func aRollupPassWaitsForNoOther() async throws {
        let tmp = try await TemporaryDatabase(.postgres)
        let a = try await tmp.openPostgres()
        _ = try await a.saveProfile(makeProfile(start: 5_000, stacks: [([main], 1, nil, [:])]))
        let other = PostgresClient(configuration: try PostgresURL.configuration(tmp.location))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await other.run() }
            try await other.withConnection { conn in
                #expect(try await conn.query("SELECT pg_try_advisory_lock(\(PostgresLocks.rollup))", logger: a.logger).one(Bool.self))
                #expect(try await a.rollUp() == 0)
                try await conn.query("SELECT pg_advisory_unlock(\(PostgresLocks.rollup))", logger: a.logger)
            }
            #expect(try await a.rollUp() == 1)
            group.cancelAll()
        }
    }

    /// The same frames new to two processes at once get one id each.
    @Test func framesInternedByTwoProcessesAtOnceAreStoredOnce() async throws {
        let tmp = try await TemporaryDatabase(.postgres)
        let (a, b) = (try await tmp.openPostgres(), try await tmp.openPostgres())
        _ = try await a.saveProfile(makeProfile(stacks: [([main], 1, nil, [:])]))
        let frames = (0..<500).map { Frame(name: "g\($0)", file: "x.py", line: $0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (k, store) in [a, b, a, b].enumerated() {
                let stack = k % 2 == 0 ? frames : frames.reversed()
                group.addTask { _ = try await store.saveProfile(makeProfile(stacks: [(Array(stack), 1, nil, [:])])) }
            }
            try await group.waitForAll()
        }
        #expect(try await a.scalars("SELECT count(*) FROM frame") == [501])
    }

    /// Bytes per table, partitioned or not, and how far the rollups are.
    @Test func storageStatsCountRowsAndBytes() async throws {
        let tmp = try await TemporaryDatabase(.postgres)
        let db = try await tmp.openPostgres()
        for p in RandomUploads(seed: 5, count: 50).profiles { _ = try await db.saveProfile(p) }
        try await db.rollUp()
        let stats = try await db.storageStats()
        #expect(stats.rows["profile"] == 50)
        #expect(stats.tables.first { $0.name == "profile_tree" }!.bytes > 0)
        #expect(stats.tables.first { $0.name == "frame" }!.bytes > 0)
        #expect(stats.rollups.map(\.seconds) == RollupPlan.resolutions.map { Int($0) })
        let progress = try await db.rollupProgress()
        #expect(progress.rolledUpTo == progress.newestProfile && progress.newestProfile > 0)
    }

    /// Opening says at once, in one line, why it cannot: nothing listens
    /// there, or the server's own reason (here, an unknown database).
    @Test func aDatabaseThatCannotBeOpenedSaysWhyAtOnce() async throws {
        let admin = try #require(Backend.postgresAdminURL)
        let missing = try #require(URLComponents(string: admin)).with(path: "/no_such_database")
        for (url, reason) in [
            ("postgres://postgres@127.0.0.1:1/postgres?sslmode=disable", "Connection refused"),
            (missing, "database \"no_such_database\" does not exist"),
        ] {
            do {
                _ = try await PostgresStore.open(url: url)
                Issue.record("opened \(url)")
            } catch let StoreError.badLocation(message) {
                #expect(message.contains("cannot open the PostgreSQL database") && message.contains(reason), "\(message)")
            }
        }
    }
}

extension TemporaryDatabase {
    /// The store, as the PostgreSQL store it is, for its SQL and locks.
    func openPostgres() async throws -> PostgresStore {
        try #require(try await open() as? PostgresStore)
    }
}

extension PostgresStore {
    func scalars(_ sql: String) async throws -> [Int64] {
        try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).all(Int64.self)
    }
    func strings(_ sql: String) async throws -> [String] {
        try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).all(String.self)
    }
}

/// Set once, read from another task.
final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

extension URLComponents {
    fileprivate func with(path: String) -> String {
        var copy = self
        copy.path = path
        return copy.string!
    }
}
