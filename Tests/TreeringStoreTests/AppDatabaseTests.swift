import Foundation
import Testing
import TreeringCore

@testable import TreeringSQLite
@testable import TreeringStore

@Suite(.temporaryDatabases) struct AppDatabaseTests {
    @Test(arguments: Backend.available) func savedProfileComesBackAsItsTreeAndSurvivesReopening(backend: Backend) async throws {
        let tmp = try await TemporaryDatabase(backend)
        let saved = try await tmp.open().saveProfile(
            makeProfile(stacks: [
                ([main, handle], 5, "T1", ["transaction": "GET /"]),
                ([main, handle], 2, "T2", ["transaction": "GET /"]),
                ([main, handle, query], 3, "T1", [:]),
            ]))
        #expect(saved.samples == 10)
        #expect(saved.stacks == 3)  // distinct per series: T1/GET, T2/GET, T1/none
        #expect(saved.threads == ["T1", "T2"])
        #expect(ShareToken.isWellFormed(saved.shareToken))

        // A new connection to the same file sees it all.
        let reopened = try await tmp.open()
        let loaded = try #require(try await reopened.profileTree(id: saved.id))
        #expect(
            loaded.folded == """
                main (app.py:1);handle (app.py:10) 7
                main (app.py:1);handle (app.py:10);query (db.py:5) 3

                """)
        let byThread = try #require(try await reopened.profileTree(id: saved.id, byThread: true))
        #expect(
            byThread.folded == """
                T1;main (app.py:1);handle (app.py:10) 5
                T1;main (app.py:1);handle (app.py:10);query (db.py:5) 3
                T2;main (app.py:1);handle (app.py:10) 2

                """)
        #expect(try await reopened.profile(shareToken: saved.shareToken)?.id == saved.id)
        #expect(try await reopened.profile(id: saved.id)?.metadata.tags == ["env": "test"])
    }

    /// The agent tags each upload with its own cost (`treering.overhead_ms`,
    /// `treering.samples`): new values every upload, which as labels would
    /// make every upload a series of its own.
    @Test(arguments: Backend.available) func uploadOnlyTagsAreKeptWithTheProfileButAreNotLabels(backend: Backend) async throws {
        let db = try await TemporaryDatabase(backend).open()
        var ids: [Int64] = []
        for (k, overhead) in ["5.580", "4.120", "6.001"].enumerated() {
            var p = makeProfile(start: 1_000 + Double(k) * 10, stacks: [([main, handle], 3, "T1", ["transaction": "GET /"])])
            p.metadata.tags = ["env": "test", "treering.overhead_ms": overhead, "treering.samples": "150"]
            ids.append(try await db.saveProfile(p).id)
        }
        let series = try await storedRows(db, .series).compactMap { $0["labels"]?.text }.filter { $0 != SeriesLabels.all }
        #expect(series == [#"{"env":"test","host":"web-1","thread":"T1","transaction":"GET /"}"#])
        let labels = try #require(try await db.labels(app: "shop", from: 0, until: 10_000))
        #expect(labels.keys.sorted() == ["env", "host", "thread", "transaction"])
        #expect(try await db.profile(id: ids[1])?.metadata.tags["treering.overhead_ms"] == "4.120")
    }

    @Test(arguments: Backend.available) func framesAreInternedOncePerApp(backend: Backend) async throws {
        let tmp = try await TemporaryDatabase(backend)
        let db = try await tmp.open()
        _ = try await db.saveProfile(makeProfile(app: "a", stacks: [([main, handle], 1, nil, [:])]))
        _ = try await db.saveProfile(makeProfile(app: "a", stacks: [([main, query], 1, nil, [:])]))
        _ = try await db.saveProfile(makeProfile(app: "b", stacks: [([main], 1, nil, [:])]))
        // A fresh process (no cache) interns against the same rows.
        _ = try await tmp.open().saveProfile(makeProfile(app: "a", stacks: [([main, handle, query], 1, nil, [:])]))
        let apps = Dictionary(
            uniqueKeysWithValues: try await storedRows(db, .app).map { ($0["id"]?.integer ?? 0, $0["name"]?.text ?? "") })
        let counts = Dictionary(grouping: try await storedRows(db, .frame)) { apps[$0["app_id"]?.integer ?? 0] ?? "?" }
            .map { "\($0.key)=\($0.value.count)" }.sorted()
        #expect(counts == ["a=3", "b=1"])
    }

    @Test(arguments: Backend.available) func listIsNewestFirstWithPagesAndAppFilter(backend: Backend) async throws {
        let tmp = try await TemporaryDatabase(backend)
        let db = try await tmp.open()
        var ids: [Int64] = []
        for i in 0..<5 {
            ids.append(
                try await db.saveProfile(makeProfile(app: i % 2 == 0 ? "even" : "odd", start: Double(i), stacks: [([main], 1, nil, [:])]))
                    .id)
        }
        let first = try await db.listProfiles(limit: 2)
        #expect(first.map(\.id) == [ids[4], ids[3]])
        let second = try await db.listProfiles(app: nil, limit: 2, before: first.last!.id)
        #expect(second.map(\.id) == [ids[2], ids[1]])
        #expect(try await db.listProfiles(app: "odd").map(\.id) == [ids[3], ids[1]])
        let apps = try await db.listApps()
        #expect(Set(apps.map(\.name)) == ["even", "odd"])
        #expect(apps.first { $0.name == "even" }?.profiles == 3)
        #expect(apps.first { $0.name == "even" }?.hosts == ["web-1"])
    }

    @Test(arguments: Backend.available) func unknownProfileIsNil(backend: Backend) async throws {
        let tmp = try await TemporaryDatabase(backend)
        let db = try await tmp.open()
        #expect(try await db.profile(id: 42) == nil)
        #expect(try await db.profileTree(id: 42) == nil)
    }
}

@Suite(.temporaryDatabases) struct WALCheckpointerTests {
    /// The server checkpoints from its own connection: the log is copied
    /// into the file, and the next commit starts it over. (Under steady
    /// ingest only the restart checkpoint past the threshold gets there;
    /// `treering-bench day` shows that, this test the contract.)
    @Test func checkpointsCopyTheLogAndStartItOver() async throws {
        let tmp = try await TemporaryDatabase(.sqlite)
        let db = try tmp.openSQLite()
        let checkpointer = try WALCheckpointer(path: tmp.path, restartPages: 8)
        for p in RandomUploads(seed: 3, count: 40).profiles { _ = try await db.saveProfile(p) }
        let first = try #require(try await checkpointer.checkpoint())
        #expect(first.logPages >= 8 && first.copied == first.logPages)
        for p in RandomUploads(seed: 4, count: 2).profiles { _ = try await db.saveProfile(p) }
        let second = try #require(try await checkpointer.checkpoint())
        #expect(second.logPages > 0 && second.logPages < first.logPages, "the log started over")
        // Nothing was lost on the way.
        #expect(try await db.listProfiles(limit: 100).count == 42)
    }
}
