import Foundation
import Testing
import TreeringCore

@testable import TreeringStore

@Suite(.temporaryDatabases) struct ShareStoreTests {
    @Test(arguments: Backend.available) func aSharedQueryExpiresAndAnyShareLinkCanBeRevoked(backend: Backend) async throws {
        let file = try await TemporaryDatabase(backend)
        let db = try await file.open()
        let saved = try await db.saveProfile(
            makeProfile(app: "shop", start: 1_800_000_000, stacks: [([main, handle], 5, "MainThread", [:])]))
        let query = AppQuery(app: "shop", from: 1_799_999_000, until: 1_800_001_000, filter: LabelFilter([:]))
        let lasting = try #require(try await db.share(query, expiresAt: nil, now: 1_800_000_000))
        let brief = try #require(try await db.share(query, expiresAt: 1_800_000_600, now: 1_800_000_000))
        #expect(try await db.sharedQuery(token: brief.token, now: 1_800_000_599) != nil)
        #expect(try await db.sharedQuery(token: brief.token, now: 1_800_000_600) == nil)
        #expect(try await db.listSharedQueries().count == 2)

        #expect(try await db.revokeShare(token: lasting.token) == .query)
        #expect(try await db.sharedQuery(token: lasting.token) == nil)
        #expect(try await db.revokeShare(token: saved.shareToken) == .profile)
        #expect(try await db.profile(shareToken: saved.shareToken) == nil)
        #expect(try await db.profile(id: saved.id)?.shareToken.count == 32)  // the profile keeps a new link
        #expect(try await db.revokeShare(token: saved.shareToken) == nil)
    }
}
