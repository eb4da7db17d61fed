import Foundation
import Testing

@testable import TreeringSQLite
@testable import TreeringStore

@Suite(.temporaryDatabases) struct KeyStoreTests {
    @Test(arguments: Backend.available) func aKeysSecretIsShownOnceAndOnlyItsHashIsStored(backend: Backend) async throws {
        let file = try await TemporaryDatabase(backend)
        let db = try await file.open()
        let (key, secret) = try await db.createKey(scope: .ingest, apps: ["shop", "billing"], name: "agents")
        #expect(secret.hasPrefix("trk_") && secret.count >= 4 + 32)  // 192 random bits
        #expect(key.scope == .ingest && key.apps == ["billing", "shop"] && key.name == "agents")
        // Nowhere: not in any column, and (SQLite) not in the bytes on disk.
        let stored = try #require(try await storedRows(db, .apiKey).first)
        for (column, value) in stored {
            let bytes: Data? =
                switch value {
                case .text(let text): Data(text.utf8)
                case .blob(let blob): blob
                default: nil
                }
            #expect(bytes?.range(of: Data(secret.dropFirst(4).utf8)) == nil, "\(column)")
        }
        if let sqlite = db as? SQLiteStore {
            try await sqlite.checkpointAndTruncate()
            #expect(try Data(contentsOf: URL(fileURLWithPath: file.path)).range(of: Data(secret.utf8)) == nil)
        }
        let credentials = try await db.activeKeyCredentials()
        #expect(credentials.count == 1 && KeySecret.equal(credentials[0].secretHash, KeySecret.hash(secret)))
        #expect(!KeySecret.equal(credentials[0].secretHash, KeySecret.hash(secret + "x")))
        // Two keys never share a secret.
        #expect(try await db.createKey(scope: .ingest).secret != secret)
    }

    @Test(arguments: Backend.available) func aRevokedKeyIsNoLongerChecked(backend: Backend) async throws {
        let file = try await TemporaryDatabase(backend)
        let db = try await file.open()
        let a = try await db.createKey(scope: .admin)
        let b = try await db.createKey(scope: .read)
        #expect(try await db.revokeKey(id: a.key.id))
        #expect(try await !db.revokeKey(id: a.key.id))
        #expect(try await !db.revokeKey(id: 999))
        #expect(try await db.activeKeyCredentials().map(\.key.id) == [b.key.id])
        let listed = try await db.listKeys()
        #expect(listed.map(\.id) == [a.key.id, b.key.id] && listed[0].revokedAt != nil && listed[1].revokedAt == nil)
        try await db.markKeysUsed([b.key.id], at: 1_800_000_000)
        #expect(try await db.listKeys()[1].lastUsedAt == 1_800_000_000)
    }

    @Test func scopesIncludeTheOnesBelowAndAppsLimitAKey() {
        let ingest = APIKey(id: 1, name: nil, scope: .ingest, apps: ["shop"], createdAt: 0)
        let admin = APIKey(id: 2, name: nil, scope: .admin, apps: [], createdAt: 0)
        #expect(ingest.has(.ingest) && !ingest.has(.read) && !ingest.has(.admin))
        #expect(admin.has(.ingest) && admin.has(.read) && admin.has(.admin))
        #expect(ingest.allows(app: "shop") && !ingest.allows(app: "billing") && admin.allows(app: "billing"))
    }
}
