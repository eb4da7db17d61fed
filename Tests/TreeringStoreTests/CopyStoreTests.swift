import Foundation
import Testing
import TreeringCore

@testable import TreeringStore

/// `treering copy` moves every table's rows, ids kept, between any two
/// stores; the copy answers as the original, and new rows take ids after
/// the copied ones.
@Suite(.temporaryDatabases) struct CopyStoreTests {
    @Test(arguments: Backend.available, Backend.available)
    func aCopyAnswersAsTheOriginalAndGoesOnFromItsIDs(from: Backend, to: Backend) async throws {
        let source = try await TemporaryDatabase(from).open()
        let data = RandomUploads(seed: 21, count: 120)
        for (i, p) in data.profiles.enumerated() {
            _ = try await source.saveProfile(p)
            if i == 80 { try await source.rollUp(batch: 10_000) }  // rolled up and not yet
        }
        let session = try await source.createSession(app: "shop", spec: spec(requests: 3), now: Date().timeIntervalSince1970)
        for r in ["r1", "r2"] {
            _ = try await source.addSessionRequest(session: session.id, tags: requestTags(r), profile: requestProfile())
        }
        let (key, secret) = try await source.createKey(scope: .read, apps: ["shop"], name: "ci")
        let range = AppQuery(app: "shop", from: RandomUploads.origin, until: RandomUploads.origin + 2 * RandomUploads.day)
        let shared = try #require(try await source.share(range, expiresAt: nil, now: 1_800_000_000))
        let comparison = try await source.shareComparison(sides: "base.app=shop&target.app=shop", expiresAt: nil, now: 1_800_000_000)
        #expect(try await source.setMyPackages(app: "shop", ["shop", "shop_utils"]))

        let copyTarget = try await TemporaryDatabase(to)
        let target = try await copyTarget.open()
        try await copy(from: source, to: target, batch: 7)

        #expect(try await target.rowCounts() == source.rowCounts())
        #expect(stacks(try await target.queryTree(range)) == data.expected(range))
        #expect(try await target.listProfiles(app: nil, limit: 500, before: nil) == source.listProfiles(app: nil, limit: 500, before: nil))
        #expect(try await target.session(id: session.id) == source.session(id: session.id))
        // A server opened on the copy has its running session.
        let served = try await copyTarget.open()
        #expect(await served.activeSessions.active(app: "shop", now: Date().timeIntervalSince1970).map(\.id) == [session.id])
        #expect(try await folded(#require(target.sessionTree(id: session.id))) == folded(#require(source.sessionTree(id: session.id))))
        #expect(try await target.sessionRequests(session: session.id) == source.sessionRequests(session: session.id))
        let credential = try #require(try await target.activeKeyCredentials().first)
        #expect(credential.key == key && KeySecret.equal(credential.secretHash, KeySecret.hash(secret)))
        #expect(try await target.sharedQuery(token: shared.token, now: 1_800_000_001) == shared)
        #expect(try await target.sharedComparison(token: comparison.token, now: 1_800_000_001) == comparison)
        #expect(try await target.myPackages(app: "shop") == ["shop", "shop_utils"])
        let (copied, original) = (try await target.rollupProgress(), try await source.rollupProgress())
        #expect(copied.rolledUpTo == original.rolledUpTo && copied.newestProfile == original.newestProfile)

        // The target's own ids go on after the copied ones.
        let maxProfile = try #require(try await source.listProfiles(app: nil, limit: 1, before: nil).first?.id)
        #expect(try await target.saveProfile(data.profiles[0]).id > maxProfile)
        #expect(try await target.createSession(app: "shop", spec: spec("GET /x"), now: 1_000).id > session.id)
        #expect(try await target.createKey(scope: .ingest, apps: [], name: nil, now: 1_000).key.id > key.id)
        try await target.rollUp(batch: 10_000)
        var more = data
        more.profiles.append(data.profiles[0])
        #expect(stacks(try await target.queryTree(range)) == more.expected(range))
    }

    /// The loop of `treering copy`: every table in order, page by page.
    func copy(from source: any ProfileStore, to target: any ProfileStore, batch: Int) async throws {
        for table in StoreTable.allCases {
            var after: Int64 = 0
            while true {
                let page = try await source.copyRows(table: table, after: after, limit: batch)
                try await target.insertCopiedRows(table: table, page.rows)
                guard let next = page.next, !page.rows.isEmpty else { break }
                after = next
            }
        }
        try await target.finishCopy()
    }
}
