import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TreeringServer
import TreeringStore

/// Requests that used to stop the server or be acknowledged and then lost,
/// answered through the same application the binary runs.
@Suite struct HardeningTests {
    /// A treering/1 upload starting `age` seconds ago, tagged as given.
    static func upload(app: String = "shop", age: Double = 60, host: String = "web-1", tags: [String: String] = [:]) throws -> Data {
        let start = Date().timeIntervalSince1970 - age
        let doc: [String: Any] = [
            "format": "treering/1", "app": app, "host": host, "start": start, "end": start + 10, "interval_ms": 10, "tags": tags,
            "frames": [["name": "main", "file": "app.py", "line": 1]], "samples": [["stack": [0], "count": 3]],
        ]
        return try JSONSerialization.data(withJSONObject: doc)
    }

    @Test(arguments: [
        ("/api/v1/query?app=shop&from=1e300&until=1e301", "from: must be a Unix time"),
        ("/api/v1/query/folded?app=shop&from=now-1e300s", "from: must be a Unix time"),
        ("/api/v1/query?app=shop&until=now%2B1e20w", "until: must be a Unix time"),
        ("/api/v1/apps/shop/timeline?step=1e20m", "step:"),
        ("/api/v1/apps/shop/labels?from=now-1e20d", "from: must be a Unix time"),
        ("/api/v1/query?app=shop&range=3h", "range: not a query parameter"),
    ])
    func numbersAndNamesAreCheckedWhereTheyAreRead(_ uri: String, _ message: String) async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            #expect(try await client.post("/api/v1/ingest", body: try Self.upload()).status == .created)
            let response = try await client.get(uri)
            #expect(response.status == .badRequest)
            let error = try errorMessage(response)
            #expect(error.message.hasPrefix(message), "\(error.message)")
            // And the server goes on answering.
            #expect(try await client.get("/api/v1/query?app=shop").status == .ok)
        }
    }

    @Test func uploadsRetentionWouldRemoveOrFromTheFutureAreRefused() async throws {
        var arguments = TestArguments()
        arguments.retentionSeconds = 86_400
        let app = try await buildApplication(arguments)
        try await app.test(.router) { client in
            for age in [2 * 86_400.0, -2 * 3_600.0, Date().timeIntervalSince1970 - 1e10] {
                let response = try await client.post("/api/v1/ingest", body: try Self.upload(age: age))
                #expect(response.status == .badRequest, "\(age)")
                let error = try errorMessage(response)
                #expect(error.message.hasPrefix("start:"), "\(error.message)")
            }
            #expect(try await client.post("/api/v1/ingest", body: try Self.upload(age: 3_600)).status == .created)
            #expect(try await client.get("/api/v1/profiles", as: ProfilesPage.self).profiles.count == 1)
        }
    }

    @Test func overTheSeriesCapTheUploadIsRefusedNamingItAndTheAppPageSaysSo() async throws {
        var arguments = TestArguments()
        arguments.storeLimits.maxSeriesPerApp = 3
        let app = try await buildApplication(arguments)
        try await app.test(.router) { client in
            for i in 0..<3 {
                #expect(try await client.post("/api/v1/ingest", body: try Self.upload(host: "web-\(i)")).status == .created)
            }
            let refused = try await client.post("/api/v1/ingest", body: try Self.upload(host: "web-3"))
            #expect(refused.status == .badRequest)
            #expect(try errorMessage(refused).code == "limit_reached")
            #expect(try errorMessage(refused).message.contains("--max-series-per-app"))
            // Nothing of the refused upload was kept, and known series still take uploads.
            #expect(try await client.get("/api/v1/profiles", as: ProfilesPage.self).profiles.count == 3)
            #expect(try await client.post("/api/v1/ingest", body: try Self.upload(host: "web-0")).status == .created)
            let page = try await client.get("/apps/shop")
            #expect(String(buffer: page.body).contains("Uploads were refused once since the server started"))
            #expect(String(buffer: page.body).contains("--max-series-per-app"))
        }
    }

    @Test func unknownAPIPathsAndControlCharactersGetTheJSONError() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let unknown = try await client.get("/api/v1/nothing/here")
            #expect(unknown.status == .notFound)
            #expect(try errorMessage(unknown).code == "not_found")
            let nul = try await client.get("/js/profile-page.js%00.png")
            #expect(nul.status == .badRequest)
            #expect(try errorMessage(nul).code == "invalid_path")
            let name = try await client.post("/api/v1/ingest", body: try Self.upload(tags: ["transaction": "GET /\u{1b}[31m"]))
            #expect(name.status == .badRequest)
            #expect(try errorMessage(name).message.hasPrefix("tags.transaction: must not hold control characters"))
        }
    }
}
