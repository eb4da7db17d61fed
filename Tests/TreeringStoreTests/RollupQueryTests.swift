import Foundation
import Testing
import TreeringCore

@testable import TreeringStore

func stacks(_ loaded: LoadedTree?) -> [String: Int64] {
    var out: [String: Int64] = [:]
    loaded?.tree.forEachStack { stack, count in
        out[stack.map { loaded!.frame($0).name }.joined(separator: ";"), default: 0] += count
    }
    return out
}

@Suite(.temporaryDatabases) struct RollupQueryTests {
    static let filters: [LabelFilter] = [
        LabelFilter(),
        LabelFilter(["transaction": ["GET /orders"]]),
        LabelFilter(["transaction": ["GET /orders", "POST /cart"]]),
        LabelFilter(["transaction": ["GET /"], "host": ["web-2"]]),
        LabelFilter(["thread": ["worker"], "host": ["web-1", "web-2"]]),
        LabelFilter(["transaction": ["no such route"]]),
    ]

    /// Uploads in random order (most arrive after their buckets closed, so
    /// they are added to built rows) and in time order (buckets are built
    /// from minutes as they close).
    @Test(arguments: Backend.available, [(1, false), (2, false), (3, true), (4, true)] as [(UInt64, Bool)])
    func mergedTreeOfARangeEqualsTheMergeOfItsUploads(backend: Backend, order: (seed: UInt64, inTimeOrder: Bool)) async throws {
        let (seed, inTimeOrder) = order
        let tmp = try await TemporaryDatabase(backend)
        let db = try await tmp.open()
        var data = RandomUploads(seed: seed, count: 400)
        if inTimeOrder { data.profiles.sort { $0.metadata.start < $1.metadata.start } }
        var rng = SplitMix(state: seed &* 77)
        for (i, profile) in data.profiles.enumerated() {
            _ = try await db.saveProfile(profile)
            // Roll up now and then, so queries see rolled and not-yet-rolled uploads.
            if i % 97 == 96 { try await db.rollUp(batch: 1 + Int(rng.next(below: 150))) }
        }
        var ranges: [(Double, Double)] = [
            (RandomUploads.origin, RandomUploads.origin + 3 * RandomUploads.day),  // whole days
            (RandomUploads.origin + 3_600, RandomUploads.origin + 7_200),  // one aligned hour
            (0, 1e10),
        ]
        for _ in 0..<12 {
            let a = RandomUploads.origin + Double(rng.next(below: 3 * 86_400)) + Double(rng.next(below: 1000)) / 1000
            let b = a + Double(rng.next(below: 2 * 86_400))
            ranges.append((a, b))
        }
        for (from, until) in ranges {
            for filter in Self.filters {
                let query = AppQuery(app: "shop", from: from, until: until, filter: filter)
                let expected = data.expected(query)
                #expect(stacks(try await db.queryTree(query)) == expected, "\(from)..<\(until) \(filter)")
                #expect(stacks(try await db.queryTreeNaively(query)) == expected)
            }
        }
        // Everything rolled up: the same answers from rollups alone.
        while try await db.rollUp(batch: 100) > 0 {}
        for (from, until) in ranges.prefix(8) {
            for filter in Self.filters.prefix(4) {
                let query = AppQuery(app: "shop", from: from, until: until, filter: filter)
                #expect(stacks(try await db.queryTree(query)) == data.expected(query), "rolled \(from)..<\(until) \(filter)")
            }
        }
        // Hours and days were built from minutes, up to the close behind the newest upload.
        let newest = data.profiles.map(\.metadata.start).max()!
        let built = Dictionary(
            uniqueKeysWithValues: try await storedRows(db, .rollupBuilt).map { ($0["resolution"]?.integer ?? 0, $0["through"]?.integer) })
        for resolution in RollupPlan.resolutions.dropFirst() {
            #expect(built[resolution] == RollupPlan.closedEnd(newestStart: newest, resolution: resolution))
        }
        let hourRows = try await storedRows(db, .rollup).filter { $0["resolution"]?.integer == 3_600 }.count
        #expect(hourRows > 50)
        // Late uploads, into buckets already built, are counted too.
        let late = RandomUploads(seed: seed &+ 1_000, count: 40)
        for p in late.profiles { _ = try await db.saveProfile(p) }
        while try await db.rollUp(batch: 7) > 0 {}
        data.profiles += late.profiles
        for (from, until) in ranges.prefix(8) {
            for filter in Self.filters.prefix(3) {
                let query = AppQuery(app: "shop", from: from, until: until, filter: filter)
                #expect(stacks(try await db.queryTree(query)) == data.expected(query), "late \(from)..<\(until) \(filter)")
            }
        }
        #expect(try await db.queryTree(AppQuery(app: "nope", from: 0, until: 1e10)) == nil)
    }

    @Test(arguments: Backend.available) func largeQueriesMergeInTwoHalvesToTheSameTree(backend: Backend) async throws {
        let tmp = try await TemporaryDatabase(backend)
        let db = try await tmp.open()
        for p in RandomUploads(seed: 11, count: 150).profiles { _ = try await db.saveProfile(p) }
        try await db.rollUp()
        let blobs = try await storedRows(db, .profileTree).compactMap { if case .blob(let tree) = $0["tree"] { tree } else { nil } }
        func paths(_ tree: CallTree) -> [[Int32]: Int64] {
            var out: [[Int32]: Int64] = [:]
            tree.forEachStack { out[$0] = $1 }
            return out
        }
        let serial = try await StoredTrees.merge(blobs, parallelAbove: .max)
        let halves = try await StoredTrees.merge(blobs, parallelAbove: 0)
        #expect(serial.totalCount > 0)
        #expect(paths(halves) == paths(serial))
        #expect(halves.totalCount == serial.totalCount && halves.nodeCount == serial.nodeCount)
    }

    @Test(arguments: Backend.available) func timelineCountsSamplesPerStepAndLabelsListWhatWasSeen(backend: Backend) async throws {
        let tmp = try await TemporaryDatabase(backend)
        let db = try await tmp.open()
        var data = RandomUploads(seed: 9, count: 200)
        // In time order, rolled up once: hours are built through the first
        // quarter of the range, then 10-minute and minute rows, then raw uploads.
        data.profiles.sort { $0.metadata.start < $1.metadata.start }
        for (i, p) in data.profiles.enumerated() {
            _ = try await db.saveProfile(p)
            if i == 50 { try await db.rollUp() }
        }
        let from = RandomUploads.origin + 1_234.5, until = from + RandomUploads.day
        for filter in Self.filters.prefix(3) {
            let points = try #require(try await db.timeline(AppQuery(app: "shop", from: from, until: until, filter: filter), step: 3_600))
            #expect(points.first?.start == RollupPlan.floor(from, 3_600))
            #expect(points.count == 25)
            for point in points {
                let q = AppQuery(app: "shop", from: Double(point.start), until: Double(point.start + 3_600), filter: filter)
                #expect(point.samples == data.expected(q).values.reduce(0, +), "\(point.start) \(filter)")
            }
        }
        let labels = try #require(
            try await db.labels(app: "shop", from: RandomUploads.origin, until: RandomUploads.origin + 3 * RandomUploads.day))
        #expect(labels["transaction"] == RandomUploads.transactions.sorted())
        #expect(labels["host"] == RandomUploads.hosts)
        #expect(labels["thread"] == ["MainThread", "worker"])
        #expect(labels["env"] == ["test"])
    }

    @Test(arguments: Backend.available) func retentionRemovesExactlyWhatIsOlder(backend: Backend) async throws {
        let tmp = try await TemporaryDatabase(backend)
        let db = try await tmp.open()
        let data = RandomUploads(seed: 5, count: 300)
        for p in data.profiles { _ = try await db.saveProfile(p) }
        try await db.rollUp(batch: 10_000)
        // Not aligned to a day, an hour or ten minutes: straddling buckets are rebuilt.
        let cutoff = RandomUploads.origin + 1.5 * RandomUploads.day + 1_260 + 17.25
        let removed = try await db.removeData(before: cutoff)
        let boundary = Double(RollupPlan.floor(cutoff, 60))
        #expect(removed == data.profiles.filter { $0.metadata.start < boundary }.count)
        let kept = data.profiles.filter { $0.metadata.start >= boundary }
        #expect(try await db.listProfiles(limit: 1_000).count == kept.count)
        for filter in Self.filters.prefix(3) {
            for (from, until) in [
                (0, 1e10), (RandomUploads.origin, RandomUploads.origin + 2 * RandomUploads.day), (boundary - 7_200, boundary + 7_200),
            ] {
                let query = AppQuery(app: "shop", from: from, until: until, filter: filter)
                #expect(
                    stacks(try await db.queryTree(query))
                        == data.expected(AppQuery(app: "shop", from: max(from, boundary), until: until, filter: filter)))
            }
        }
        let rows = try await storedRows(db, .rollup).filter {
            ($0["bucket"]?.integer ?? 0) + ($0["resolution"]?.integer ?? 0) <= Int64(boundary)
        }.count
        #expect(rows == 0)
    }
}
