import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TreeringServer

/// A session request as the agent sends it: a treering/1 document whose
/// tags name the request, its wall time and the transaction.
func sessionRequest(
    app: String = "shop-web", transaction: String = "GET /orders/{pk}", request: String?, wallMs: String? = "61.5",
    stacks: [([Int], Int)] = [([0, 1, 2], 4), ([0, 1], 1)]
) throws -> Data {
    var tags = ["transaction": transaction]
    tags["treering.request"] = request
    tags["treering.wall_ms"] = wallMs
    let doc: [String: Any] = [
        "format": "treering/1", "app": app, "host": "web-1", "start": 1_732_460_000.0, "end": 1_732_460_000.1,
        "interval_ms": 5, "tags": tags,
        "frames": [
            ["name": "<module>", "file": "app.py", "line": 1],
            ["name": "order_detail", "file": "shop/views.py", "line": 12],
            ["name": "session_only_crunch", "file": "shop/math.py", "line": 3],
        ],
        "samples": stacks.map { ["stack": $0.0, "count": $0.1, "thread": "Thread-1"] as [String: Any] },
    ]
    return try JSONSerialization.data(withJSONObject: doc)
}

extension TestClientProtocol {
    func post(_ uri: String, json: Any) async throws -> TestResponse {
        try await post(uri, body: try JSONSerialization.data(withJSONObject: json))
    }

    func post(_ uri: String, body: Data, contentType: String = "application/json", headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields = headers
        fields[.contentType] = contentType
        return try await execute(uri: uri, method: .post, headers: fields, body: ByteBuffer(bytes: body))
    }

    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }

    func startSession(_ body: [String: Any], app: String = "shop-web") async throws -> [String: Any] {
        let response = try await post("/api/v1/apps/\(app)/sessions", json: body)
        #expect(response.status == .created, "\(String(buffer: response.body))")
        return try json(response.body)
    }
}

func errorMessage(_ response: TestResponse) throws -> (code: String?, message: String) {
    let error = try json(response.body)["error"] as? [String: String]
    return (error?["code"], error?["message"] ?? "")
}

@Suite struct SessionsAPITests {
    @Test func aSessionIsCreatedListedActiveAndStopped() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let before = Date().timeIntervalSince1970
            let session = try await client.startSession(["transaction": "GET /orders/{pk}", "requests": 20, "interval_ms": 2])
            let id = try #require(session["id"] as? Int)
            #expect(session["app"] as? String == "shop-web")
            #expect(session["transaction"] as? String == "GET /orders/{pk}")
            #expect(session["requests"] as? Int == 20)
            #expect(session["count"] as? Int == 0)
            #expect(session["state"] as? String == "running")
            #expect(session["interval_ms"] as? Double == 2)
            #expect(session["time_limit_s"] as? Double == 600)
            let created = try #require(session["created_at"] as? Double)
            #expect(created >= before - 1 && session["until"] as? Double == created + 600)
            #expect(session["closed_at"] is NSNull)
            #expect(session["url"] as? String == "/sessions/\(id)")
            #expect(session["api_url"] as? String == "/api/v1/sessions/\(id)")
            #expect(session["tree_url"] as? String == "/api/v1/sessions/\(id)/tree")
            let share = try #require(session["share_url"] as? String)
            #expect(share.hasPrefix("/s/") && share.count == 35)

            let defaults = try await client.startSession(["transaction": "GET /health"])
            #expect(defaults["requests"] as? Int == 100 && defaults["interval_ms"] as? Double == 5)
            let defaultsID = try #require(defaults["id"] as? Int)

            let listed = try json(try await client.get("/api/v1/apps/shop-web/sessions").body)["sessions"] as? [[String: Any]]
            #expect(listed?.map { $0["id"] as? Int } == [defaultsID, id])  // newest first

            let active = try json(try await client.get("/api/v1/apps/shop-web/sessions/active").body)
            #expect(active["poll_s"] as? Double == 2)
            let items = try #require(active["sessions"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? Int } == [id, defaultsID])
            #expect(Set(items[0].keys) == ["id", "transaction", "interval_ms", "until"])
            #expect(items[0]["transaction"] as? String == "GET /orders/{pk}" && items[0]["interval_ms"] as? Double == 2)
            #expect((try json(try await client.get("/api/v1/apps/other/sessions/active").body)["sessions"] as? [Any])?.isEmpty == true)

            let detail = try json(try await client.get("/api/v1/sessions/\(id)").body)
            #expect(detail["state"] as? String == "running")
            #expect((detail["requests_list"] as? [Any])?.isEmpty == true)
            let token = String(share.dropFirst(3))
            #expect(try json(try await client.get("/api/v1/sessions/\(token)").body)["id"] as? Int == id)

            let stopped = try await client.post("/api/v1/sessions/\(id)/stop", body: Data())
            #expect(stopped.status == .ok)
            let stoppedJSON = try json(stopped.body)
            #expect(stoppedJSON["state"] as? String == "stopped")
            #expect(stoppedJSON["closed_at"] as? Double != nil)
            let after = try json(try await client.get("/api/v1/apps/shop-web/sessions/active").body)["sessions"] as? [[String: Any]]
            #expect(after?.map { $0["id"] as? Int } == [defaultsID])

            #expect(try await client.get("/api/v1/sessions/12345").status == .notFound)
            #expect(try await client.get("/api/v1/sessions/\(String(repeating: "A", count: 32))").status == .notFound)
            #expect(try await client.post("/api/v1/sessions/12345/stop", body: Data()).status == .notFound)
        }
    }

    @Test func theSessionsListTakesALimitNewestFirst() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            var ids: [Int] = []
            for n in 1...3 { ids.append(try #require(try await client.startSession(["transaction": "GET /t\(n)"])["id"] as? Int)) }
            let two = try json(try await client.get("/api/v1/apps/shop-web/sessions?limit=2").body)["sessions"] as? [[String: Any]]
            #expect(two?.compactMap { $0["id"] as? Int } == [ids[2], ids[1]])
            let all = try json(try await client.get("/api/v1/apps/shop-web/sessions").body)["sessions"] as? [[String: Any]]
            #expect(all?.count == 3)
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
            let session = try json(response.body)
            #expect(session["app"] as? String == "shop web")
            #expect(session["transaction"] as? String == "GET /orders/")
            #expect(session["requests"] as? Int == 7 && session["time_limit_s"] as? Double == 600 && session["interval_ms"] as? Double == 10)
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
            #expect((try json(try await client.get("/api/v1/apps/shop-web/sessions").body)["sessions"] as? [Any])?.isEmpty == true)
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
            let session = try json(response.body)
            #expect(session["transaction"] as? String == "GET /orders/{pk}")
            #expect(session["requests"] as? Int == 100 && session["time_limit_s"] as? Double == 600 && session["interval_ms"] as? Double == 5)
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
            let id = try #require(try await client.startSession(["transaction": "GET /orders/{pk}", "requests": 2])["id"] as? Int)
            let path = "/api/v1/sessions/\(id)/requests"

            let first = try await client.post(path, body: try sessionRequest(request: "r1", wallMs: "61.5"))
            #expect(first.status == .created)
            let firstAnswer = try json(first.body)
            #expect(firstAnswer["session"] as? Int == id && firstAnswer["count"] as? Int == 1)
            #expect(firstAnswer["requests"] as? Int == 2 && firstAnswer["state"] as? String == "running")
            // A retry of the same request: success, not counted again.
            let retry = try await client.post(path, body: try sessionRequest(request: "r1"))
            #expect(try retry.status == .created && json(retry.body)["count"] as? Int == 1)

            // Gzip, like the agent; no samples at all is fine (a fast request).
            let second = try await client.post(
                path, body: try gzip(try sessionRequest(request: "r2", wallMs: "240", stacks: [])), headers: [.contentEncoding: "gzip"])
            #expect(second.status == .created)
            #expect(try json(second.body)["count"] as? Int == 2 && json(second.body)["state"] as? String == "done")

            let late = try await client.post(path, body: try sessionRequest(request: "r3"))
            #expect(late.status == .conflict)
            #expect(try errorMessage(late).code == "session_closed")
            #expect(try await client.post("/api/v1/sessions/999/requests", body: try sessionRequest(request: "r1")).status == .notFound)

            let detail = try json(try await client.get("/api/v1/sessions/\(id)").body)
            #expect(detail["state"] as? String == "done" && detail["count"] as? Int == 2)
            #expect(detail["closed_at"] as? Double != nil)
            let list = try #require(detail["requests_list"] as? [[String: Any]])
            #expect(list.map { $0["request"] as? String } == ["r2", "r1"])  // slowest first
            #expect(list.map { $0["wall_ms"] as? Double } == [240, 61.5])
            #expect(list.map { $0["samples"] as? Int } == [0, 5])
            #expect(list[1]["host"] as? String == "web-1")
            #expect(list[1]["tree_url"] as? String == "/api/v1/sessions/\(id)/requests/r1/tree")
            #expect(list[1]["received_at"] as? Double != nil)
            let active = try json(try await client.get("/api/v1/apps/shop-web/sessions/active").body)["sessions"] as? [Any]
            #expect(active?.isEmpty == true)

            let tree = try json(try await client.get("/api/v1/sessions/\(id)/tree").body)
            #expect(tree["total"] as? Int == 5)
            #expect(tree["interval_ms"] as? Double == 5)
            let frames = try #require(tree["frames"] as? [String: [Any]])
            #expect(frames["name"] as? [String] == ["<module>", "order_detail", "session_only_crunch"])
            let own = try await client.get("/api/v1/sessions/\(id)/requests/r1/tree")
            #expect(try own.status == .ok && json(own.body)["total"] as? Int == 5)
            #expect(try await client.get("/api/v1/sessions/\(id)/requests/nope/tree").status == .notFound)
            #expect(String(buffer: try await client.get("/api/v1/sessions/\(id)/folded").body)
                == "<module> (app.py:1);order_detail (shop/views.py:12) 1\n<module> (app.py:1);order_detail (shop/views.py:12);session_only_crunch (shop/math.py:3) 4\n")
        }
    }

    @Test func aRequestIsCheckedAgainstItsSession() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let id = try #require(try await client.startSession(["transaction": "GET /orders/{pk}", "requests": 3])["id"] as? Int)
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
            let detail = try json(try await client.get("/api/v1/sessions/\(id)").body)
            #expect(detail["count"] as? Int == 0 && detail["state"] as? String == "running")
        }
    }

    @Test func anIngestAnswerCarriesTheAppsRunningSessions() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let empty = try json(try await client.ingest(validUpload).body)
            #expect((empty["sessions"] as? [Any])?.isEmpty == true)
            let id = try #require(try await client.startSession(["transaction": "GET /orders/", "interval_ms": 3])["id"] as? Int)
            _ = try await client.startSession(["transaction": "GET /orders/"], app: "another-app")
            let answer = try json(try await client.ingest(validUpload).body)
            let sessions = try #require(answer["sessions"] as? [[String: Any]])
            #expect(sessions.map { $0["id"] as? Int } == [id])
            #expect(sessions.first?["transaction"] as? String == "GET /orders/" && sessions.first?["interval_ms"] as? Double == 3)
            #expect(sessions.first?["until"] as? Double != nil)
        }
    }

    @Test func sessionDataStaysOutOfTheAppsQueries() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            #expect(try await client.ingest(validUpload).status == .created)
            let id = try #require(try await client.startSession(["transaction": "GET /orders/{pk}", "requests": 5])["id"] as? Int)
            for r in 0..<3 {
                #expect(try await client.post("/api/v1/sessions/\(id)/requests", body: try sessionRequest(request: "r\(r)")).status == .created)
            }
            let range = "from=1732459000&until=1732470000"
            let tree = try json(try await client.get("/api/v1/query?app=shop-web&\(range)").body)
            #expect(tree["total"] as? Int == 15)  // the upload's samples only
            let names = (tree["frames"] as? [String: [Any]])?["name"] as? [String] ?? []
            #expect(!names.contains("session_only_crunch") && !names.contains("order_detail"))
            let labels = try json(try await client.get("/api/v1/apps/shop-web/labels?\(range)").body)["labels"] as? [String: [String]]
            #expect(labels?["transaction"] == ["GET /orders/"])
            let profiles = try await client.profileCount()
            #expect(profiles == 1)
            let timeline = try json(try await client.get("/api/v1/apps/shop-web/timeline?\(range)").body)["points"] as? [[Int]]
            #expect(timeline?.reduce(0) { $0 + $1[1] } == 15)
        }
    }
}
