import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TreeringServer

@Suite struct SessionsAPITests {
    @Test func aSessionIsCreatedListedActiveAndStopped() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let before = Date().timeIntervalSince1970
            let response = try await client.post(
                "/api/v1/apps/shop-web/sessions", json: ["transaction": "GET /orders/{pk}", "requests": 20, "interval_ms": 2])
            #expect(response.status == .created)
            let session = try response.decode(SessionAnswer.self)
            let id = session.id
            #expect(session.app == "shop-web")
            #expect(session.transaction == "GET /orders/{pk}")
            #expect(session.requests == 20)
            #expect(session.count == 0)
            #expect(session.state == "running")
            #expect(session.intervalMs == 2)
            #expect(session.timeLimitS == 600)
            let created = session.createdAt
            #expect(created >= before - 1 && session.until == created + 600)
            #expect(try response.fieldNames().contains("closed_at") && session.closedAt == nil)  // null, not left out
            #expect(session.url == "/sessions/\(id)")
            #expect(session.apiUrl == "/api/v1/sessions/\(id)")
            #expect(session.treeUrl == "/api/v1/sessions/\(id)/tree")
            let share = session.shareUrl
            #expect(share.hasPrefix("/s/") && share.count == 35)

            let defaults = try await client.startSession(["transaction": "GET /health"])
            #expect(defaults.requests == 100 && defaults.intervalMs == 5)
            let defaultsID = defaults.id

            let listed = try await client.get("/api/v1/apps/shop-web/sessions", as: SessionsPage<SessionAnswer>.self).sessions
            #expect(listed.map(\.id) == [defaultsID, id])  // newest first

            let activeResponse = try await client.get("/api/v1/apps/shop-web/sessions/active")
            let active = try activeResponse.decode(SessionsPage<ActiveSessionAnswer>.self)
            #expect(active.pollS == 2)
            let items = active.sessions
            #expect(items.map(\.id) == [id, defaultsID])
            let fields = try activeResponse.decode(SessionsPage<FieldNames>.self, decoder: JSONDecoder()).sessions.first?.names
            #expect(fields == ["id", "transaction", "interval_ms", "until"])
            #expect(items[0].transaction == "GET /orders/{pk}" && items[0].intervalMs == 2)
            #expect(try await client.get("/api/v1/apps/other/sessions/active", as: SessionsPage<ActiveSessionAnswer>.self).sessions.isEmpty)

            let detail = try await client.get("/api/v1/sessions/\(id)", as: SessionAnswer.self)
            #expect(detail.state == "running")
            #expect(detail.requestsList?.isEmpty == true)
            let token = String(share.dropFirst(3))
            #expect(try await client.get("/api/v1/sessions/\(token)", as: SessionAnswer.self).id == id)

            let stopped = try await client.post("/api/v1/sessions/\(id)/stop", body: Data())
            #expect(stopped.status == .ok)
            let stoppedSession = try stopped.decode(SessionAnswer.self)
            #expect(stoppedSession.state == "stopped")
            #expect(stoppedSession.closedAt != nil)
            let after = try await client.get("/api/v1/apps/shop-web/sessions/active", as: SessionsPage<ActiveSessionAnswer>.self).sessions
            #expect(after.map(\.id) == [defaultsID])

            #expect(try await client.get("/api/v1/sessions/12345").status == .notFound)
            #expect(try await client.get("/api/v1/sessions/\(String(repeating: "A", count: 32))").status == .notFound)
            #expect(try await client.post("/api/v1/sessions/12345/stop", body: Data()).status == .notFound)
        }
    }

    @Test func theSessionsListTakesALimitNewestFirst() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            var ids: [Int] = []
            for n in 1...3 { ids.append(try await client.startSession(["transaction": "GET /t\(n)"]).id) }
            let two = try await client.get("/api/v1/apps/shop-web/sessions?limit=2", as: SessionsPage<SessionAnswer>.self).sessions
            #expect(two.map(\.id) == [ids[2], ids[1]])
            let all = try await client.get("/api/v1/apps/shop-web/sessions", as: SessionsPage<SessionAnswer>.self).sessions
            #expect(all.count == 3)
            let bad = try await client.get("/api/v1/apps/shop-web/sessions?limit=0")
            #expect(bad.status == .badRequest)
            #expect(try errorMessage(bad).message == "limit: must be an integer from 1 to 1000")
        }
    }

    @Test func aFormPostStartsASessionToo() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let response = try await client.post(
                "/api/v1/apps/shop%20web/sessions", body: Data("transaction=GET+%2Forders%2F&requests=7&time_limit_s=&interval_ms=10".utf8),
                contentType: "application/x-www-form-urlencoded")
            #expect(response.status == .created)
            let session = try response.decode(SessionAnswer.self)
            #expect(session.app == "shop web")
            #expect(session.transaction == "GET /orders/")
            #expect(session.requests == 7 && session.timeLimitS == 600 && session.intervalMs == 10)
        }
    }

    @Test(arguments: [
        (#"{"requests": 5}"#, "transaction: required field is missing"),
        (#"{"transaction": ""}"#, "transaction: must not be empty"),
        (#"{"transaction": 42}"#, "transaction: expected a string"),
        (#"{"transaction": "\#(String(repeating: "x", count: 5_000))"}"#, "transaction: longer than the limit of 4096 bytes"),
        (#"{"transaction": "t", "requests": 0}"#, "requests: must be an integer from 1 to 1000"),
        (#"{"transaction": "t", "requests": 1001}"#, "requests: must be an integer from 1 to 1000"),
        (#"{"transaction": "t", "requests": 2.5}"#, "requests: must be an integer"),
        (#"{"transaction": "t", "requests": "20"}"#, "requests: expected an integer"),
        (#"{"transaction": "t", "time_limit_s": 0.5}"#, "time_limit_s: must be a number of seconds from 1 to 86400"),
        (#"{"transaction": "t", "time_limit_s": 86401}"#, "time_limit_s: must be a number of seconds from 1 to 86400"),
        (#"{"transaction": "t", "interval_ms": 0}"#, "interval_ms: must be a number of milliseconds from 1 to 1000"),
        (#"{"transaction": "t", "interval_ms": 1500}"#, "interval_ms: must be a number of milliseconds from 1 to 1000"),
    ])
    func badInputIs400NamingTheFieldAndTheRule(_ body: String, _ message: String) async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let response = try await client.post("/api/v1/apps/shop-web/sessions", body: Data(body.utf8))
            #expect(response.status == .badRequest)
            let error = try errorMessage(response)
            #expect(error.message.hasPrefix(message), "\(error.message)")
            #expect(["missing_field", "invalid_field", "limit_exceeded"].contains(error.code ?? ""))
            #expect(try await client.get("/api/v1/apps/shop-web/sessions", as: SessionsPage<SessionAnswer>.self).sessions.isEmpty)
        }
    }

    /// The spec is a small control body decoded with `Codable`: unknown
    /// fields are ignored, whatever they hold, and null means the default.
    @Test func jsonTakesTheDefaultsForMissingAndNullFields() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let body = #"{"transaction": "GET /orders/{pk}", "interval_ms": null, "note": "x", "extra": [[[[1]]]]}"#
            let response = try await client.post("/api/v1/apps/shop-web/sessions", body: Data(body.utf8))
            #expect(response.status == .created)
            let session = try response.decode(SessionAnswer.self)
            #expect(session.transaction == "GET /orders/{pk}")
            #expect(session.requests == 100 && session.timeLimitS == 600 && session.intervalMs == 5)
            let huge = try await client.post("/api/v1/apps/shop-web/sessions", body: Data(#"{"transaction": "t", "requests": 1e300}"#.utf8))
            #expect(huge.status == .badRequest)
            #expect(try errorMessage(huge).message.hasPrefix("requests: must be an integer from 1 to 1000"))
            let list = try await client.post("/api/v1/apps/shop-web/sessions", body: Data("[1]".utf8))
            #expect(try errorMessage(list).code == "malformed_json")
        }
    }

    @Test func badAppNameAndBrokenJSONAre400() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let bad = try await client.post("/api/v1/apps/shop%3Cweb/sessions", json: ["transaction": "t"])
            #expect(bad.status == .badRequest)
            #expect(try errorMessage(bad).message.hasPrefix("app: only letters"))
            let broken = try await client.post("/api/v1/apps/shop/sessions", body: Data("{\"transaction\": ".utf8))
            #expect(broken.status == .badRequest)
            #expect(try errorMessage(broken).code == "malformed_json")
        }
    }

    @Test func requestsAreCountedUntilDoneThen409() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let id = try await client.startSession(["transaction": "GET /orders/{pk}", "requests": 2]).id
            let path = "/api/v1/sessions/\(id)/requests"

            let first = try await client.post(path, body: try sessionRequest(request: "r1", wallMs: "61.5"))
            #expect(first.status == .created)
            let firstAnswer = try first.decode(SessionRequestRecorded.self)
            #expect(firstAnswer.session == id && firstAnswer.count == 1)
            #expect(firstAnswer.requests == 2 && firstAnswer.state == "running")
            // A retry of the same request: success, not counted again.
            let retry = try await client.post(path, body: try sessionRequest(request: "r1"))
            #expect(try retry.status == .created && retry.decode(SessionRequestRecorded.self).count == 1)

            // Gzip, like the agent; no samples at all is fine (a fast request).
            let second = try await client.post(
                path, body: try gzip(try sessionRequest(request: "r2", wallMs: "240", stacks: [])), headers: [.contentEncoding: "gzip"])
            #expect(second.status == .created)
            let secondAnswer = try second.decode(SessionRequestRecorded.self)
            #expect(secondAnswer.count == 2 && secondAnswer.state == "done")

            let late = try await client.post(path, body: try sessionRequest(request: "r3"))
            #expect(late.status == .conflict)
            #expect(try errorMessage(late).code == "session_closed")
            #expect(try await client.post("/api/v1/sessions/999/requests", body: try sessionRequest(request: "r1")).status == .notFound)

            let detail = try await client.get("/api/v1/sessions/\(id)", as: SessionAnswer.self)
            #expect(detail.state == "done" && detail.count == 2)
            #expect(detail.closedAt != nil)
            let list = try #require(detail.requestsList)
            #expect(list.map(\.request) == ["r2", "r1"])  // slowest first
            #expect(list.map(\.wallMs) == [240, 61.5])
            #expect(list.map(\.samples) == [0, 5])
            #expect(list[1].host == "web-1")
            #expect(list[1].treeUrl == "/api/v1/sessions/\(id)/requests/r1/tree")
            #expect(list[1].receivedAt != nil)
            let active = try await client.get("/api/v1/apps/shop-web/sessions/active", as: SessionsPage<ActiveSessionAnswer>.self).sessions
            #expect(active.isEmpty)

            let tree = try await client.get("/api/v1/sessions/\(id)/tree", as: TreeAnswer.self)
            #expect(tree.total == 5)
            #expect(tree.intervalMs == 5)
            #expect(tree.frames.name == ["<module>", "order_detail", "session_only_crunch"])
            let own = try await client.get("/api/v1/sessions/\(id)/requests/r1/tree")
            #expect(try own.status == .ok && own.decode(TreeAnswer.self).total == 5)
            #expect(try await client.get("/api/v1/sessions/\(id)/requests/nope/tree").status == .notFound)
            #expect(
                String(buffer: try await client.get("/api/v1/sessions/\(id)/folded").body)
                    == "<module> (app.py:1);order_detail (shop/views.py:12) 1\n<module> (app.py:1);order_detail (shop/views.py:12);session_only_crunch (shop/math.py:3) 4\n"
            )
        }
    }

    @Test func aRequestIsCheckedAgainstItsSession() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let id = try await client.startSession(["transaction": "GET /orders/{pk}", "requests": 3]).id
            let path = "/api/v1/sessions/\(id)/requests"
            for (body, message) in [
                (try sessionRequest(transaction: "GET /health", request: "r1"), "tags.transaction: must be the session's transaction"),
                (try sessionRequest(request: nil), "tags.treering.request: required field is missing"),
                (try sessionRequest(request: String(repeating: "r", count: 65)), "tags.treering.request: must be 1 to 64 characters"),
                (try sessionRequest(request: "r1", wallMs: nil), "tags.treering.wall_ms: required field is missing"),
                (try sessionRequest(request: "r1", wallMs: "-3"), "tags.treering.wall_ms: must be a number of milliseconds >= 0"),
                (try sessionRequest(request: "r1", wallMs: "fast"), "tags.treering.wall_ms: must be a number"),
                (try sessionRequest(app: "other-app", request: "r1"), "app: must be the session's app"),
                (Data("{\"format\": \"treering/1\"".utf8), "malformed JSON"),
            ] {
                let response = try await client.post(path, body: body)
                #expect(response.status == .badRequest)
                let error = try errorMessage(response).message
                #expect(error.hasPrefix(message), "\(error)")
            }
            let detail = try await client.get("/api/v1/sessions/\(id)", as: SessionAnswer.self)
            #expect(detail.count == 0 && detail.state == "running")
        }
    }

    @Test func anIngestAnswerCarriesTheAppsRunningSessions() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let empty = try await client.ingest(validUpload).decode(IngestAnswer.self)
            #expect(empty.sessions.isEmpty)
            let id = try await client.startSession(["transaction": "GET /orders/", "interval_ms": 3]).id
            _ = try await client.startSession(["transaction": "GET /orders/"], app: "another-app")
            let sessions = try await client.ingest(validUpload).decode(IngestAnswer.self).sessions
            #expect(sessions.map(\.id) == [id])
            #expect(sessions.first?.transaction == "GET /orders/" && sessions.first?.intervalMs == 3)
            #expect(sessions.first?.until != nil)
        }
    }

    @Test func sessionDataStaysOutOfTheAppsQueries() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            #expect(try await client.ingest(validUpload).status == .created)
            let id = try await client.startSession(["transaction": "GET /orders/{pk}", "requests": 5]).id
            for r in 0..<3 {
                #expect(
                    try await client.post("/api/v1/sessions/\(id)/requests", body: try sessionRequest(request: "r\(r)")).status == .created)
            }
            let range = "from=1732459000&until=1732470000"
            let tree = try await client.get("/api/v1/query?app=shop-web&\(range)", as: TreeAnswer.self)
            #expect(tree.total == 15)  // the upload's samples only
            let names = tree.frames.name
            #expect(!names.contains("session_only_crunch") && !names.contains("order_detail"))
            let labels = try await client.get("/api/v1/apps/shop-web/labels?\(range)", as: LabelsAnswer.self).labels
            #expect(labels["transaction"] == ["GET /orders/"])
            let profiles = try await client.profileCount()
            #expect(profiles == 1)
            let timeline = try await client.get("/api/v1/apps/shop-web/timeline?\(range)", as: TimelineAnswer.self).points
            #expect(timeline.reduce(0) { $0 + $1[1] } == 15)
        }
    }
}
