import Foundation
import GRDB
import Testing

@testable import TreeringSQLite
@testable import TreeringStore

@Suite struct KeyStoreTests {
    @Test func aKeysSecretIsShownOnceAndOnlyItsHashIsStored() async throws {
        let file = try TemporaryDatabase()
        let db = try file.open()
        let (key, secret) = try await db.createKey(scope: .ingest, apps: ["shop", "billing"], name: "agents")
        #expect(secret.hasPrefix("trk_") && secret.count >= 4 + 32)  // 192 random bits
        #expect(key.scope == .ingest && key.apps == ["billing", "shop"] && key.name == "agents")
        // Nowhere in the file: not in any column, not in the bytes on disk.
        let stored = try await db.writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM api_key")! }
        for column in stored.columnNames {
            #expect(!"\(stored[column] as DatabaseValue)".contains(secret.dropFirst(4)), "\(column)")
        }
        try await db.checkpointAndTruncate()
        #expect(try Data(contentsOf: URL(fileURLWithPath: file.path)).range(of: Data(secret.utf8)) == nil)
        let credentials = try await db.activeKeyCredentials()
        #expect(credentials.count == 1 && KeySecret.equal(credentials[0].secretHash, KeySecret.hash(secret)))
        #expect(!KeySecret.equal(credentials[0].secretHash, KeySecret.hash(secret + "x")))
        // Two keys never share a secret.
        #expect(try await db.createKey(scope: .ingest).secret != secret)
    }

    @Test func aRevokedKeyIsNoLongerChecked() async throws {
        let file = try TemporaryDatabase()
        let db = try file.open()
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
