import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TreeringServer

@Suite struct DiffAPITests {
    /// An upload of `app` a minute old: `main` calling `handle`, which calls
    /// `slow` and `fast` as many times as given.
    static func upload(app: String = "shop", version: String, slow: Int, fast: Int, age: Double = 60) throws -> Data {
        let start = Date().timeIntervalSince1970 - age
        var samples: [[String: Any]] = []
        if slow > 0 { samples.append(["stack": [0, 1, 2], "count": slow, "thread": "MainThread"]) }
        if fast > 0 { samples.append(["stack": [0, 1, 3], "count": fast, "thread": "MainThread"]) }
        let doc: [String: Any] = [
            "format": "treering/1", "app": app, "host": "web-1", "start": start, "end": start + 10, "interval_ms": 10,
            "tags": ["version": version],
            "frames": [
                ["name": "main", "file": "app.py", "line": 1], ["name": "handle", "file": "app.py", "line": 5],
                ["name": "slow", "file": "app.py", "line": 9], ["name": "fast", "file": "app.py", "line": 12],
            ],
            "samples": samples,
        ]
        return try JSONSerialization.data(withJSONObject: doc)
    }

    /// Profiles of version 1 (slow 2, fast 8) and 2 (slow 30, fast 10); answers their ids.
    static func twoVersions(_ client: some TestClientProtocol) async throws -> (String, String) {
        let one = try await client.ingest(try upload(version: "1", slow: 2, fast: 8)).decode(IngestAnswer.self).id
        let two = try await client.ingest(try upload(version: "2", slow: 30, fast: 10)).decode(IngestAnswer.self).id
        return (one, two)
    }

    @Test func twoProfilesCompareNodeByNodeWithBothTotals() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let (one, two) = try await Self.twoVersions(client)
            let diff = try await client.get("/api/v1/diff?base.profile=\(one)&target.profile=\(two)", as: DiffAnswer.self)
            #expect(diff.base.total == 10 && diff.target.total == 40)
            #expect(diff.totals(of: "slow")! == (2, 30))
            #expect(diff.totals(of: "fast")! == (8, 10))
            #expect(diff.totals(of: "main")! == (10, 40))
            // Parents come first, and the root holds both totals.
            #expect(diff.nodes.parent[0] == -1 && diff.nodes.baseTotal[0] == 10 && diff.nodes.targetTotal[0] == 40)
            let folded = try await client.get("/api/v1/diff/folded?base.profile=\(one)&target.profile=\(two)")
            #expect(
                String(buffer: folded.body) == """
                    main (app.py:1);handle (app.py:5);fast (app.py:12) 8 10
                    main (app.py:1);handle (app.py:5);slow (app.py:9) 2 30

                    """)
        }
    }

    @Test func codeOnlyInTheBaseStaysWithAZeroTarget() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let one = try await client.ingest(try Self.upload(version: "1", slow: 5, fast: 5)).decode(IngestAnswer.self).id
            let two = try await client.ingest(try Self.upload(version: "2", slow: 0, fast: 7)).decode(IngestAnswer.self).id
            let diff = try await client.get("/api/v1/diff?base.profile=\(one)&target.profile=\(two)", as: DiffAnswer.self)
            #expect(diff.totals(of: "slow")! == (5, 0))
        }
    }

    @Test func appRangesWithLabelFiltersAreSides() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            _ = try await Self.twoVersions(client)
            let uri =
                "/api/v1/diff?base.app=shop&base.from=now-1h&base.until=now&base.version=1"
                + "&target.app=shop&target.from=now-1h&target.until=now&target.version=2"
            let diff = try await client.get(uri, as: DiffAnswer.self)
            #expect(diff.totals(of: "slow")! == (2, 30))
            // A profile against the app's whole range.
            let mixed = try await client.get("/api/v1/diff?base.app=shop&target.profile=1", as: DiffAnswer.self)
            #expect(mixed.base.total == 50 && mixed.target.total == 10)
        }
    }

    @Test func aSessionAndOneOfItsRequestsAreSides() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let id = try await client.startSession(["transaction": "GET /orders/{pk}", "requests": 2]).id
            let path = "/api/v1/sessions/\(id)/requests"
            #expect(try await client.post(path, body: try sessionRequest(request: "r1")).status == .created)
            #expect(
                try await client.post(path, body: try sessionRequest(request: "r2", stacks: [([0, 1], 6)])).status == .created)
            let diff = try await client.get(
                "/api/v1/diff?base.session=\(id)&base.request=r1&target.session=\(id)", as: DiffAnswer.self)
            #expect(diff.base.total == 5 && diff.target.total == 11)
            #expect(diff.totals(of: "session_only_crunch")! == (4, 4))
            #expect(diff.totals(of: "order_detail")! == (5, 11))
        }
    }

    @Test(arguments: [
        ("/api/v1/diff?target.profile=1", "base: required"),
        ("/api/v1/diff?base.profile=1", "target: required"),
        ("/api/v1/diff?base.profile=1&base.app=shop&target.profile=1", "base: give only one of"),
        ("/api/v1/diff?base.profile=abc&target.profile=1", "base.profile: must be a profile id"),
        ("/api/v1/diff?base.profile=1&target.profile=1&target.profile=2", "target.profile: given more than once"),
        ("/api/v1/diff?base.profile=1&base.version=2&target.profile=1", "base.version: not a parameter of this side"),
        ("/api/v1/diff?base.app=shop&base.from=1e300&target.profile=1", "base.from: must be a Unix time"),
        ("/api/v1/diff?base.app=shop&target.app=shop&target.until=now-2h&target.from=now-1h", "target.until: must be after from"),
        ("/api/v1/diff?base.app=shop&base.colour=red&target.profile=1", "base.colour: not a query parameter"),
        ("/api/v1/diff?base.app=bad%0Aname&target.profile=1", "base.app:"),
        ("/api/v1/diff/callers?base.profile=1&target.profile=2", "function: required"),
        ("/api/v1/diff/callees?function=slow&line=-1&base.profile=1&target.profile=2", "line: must be a line number"),
    ])
    func badSidesAre400NamingTheParameter(_ uri: String, _ message: String) async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            _ = try await Self.twoVersions(client)
            let response = try await client.get(uri)
            #expect(response.status == .badRequest, "\(uri)")
            let error = try errorMessage(response)
            #expect(error.message.hasPrefix(message), "\(error.message)")
        }
    }

    @Test func sidesThatNameNothingStoredAre404() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            _ = try await Self.twoVersions(client)
            for uri in [
                "/api/v1/diff?base.profile=99&target.profile=1", "/api/v1/diff?base.profile=1&target.app=nope",
                "/api/v1/diff?base.session=77&target.profile=1", "/api/v1/diff/callers?function=nope&base.profile=1&target.profile=2",
            ] {
                #expect(try await client.get(uri).status == .notFound, "\(uri)")
            }
        }
    }

    @Test func callersAndCalleesOfEverySource() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let (one, two) = try await Self.twoVersions(client)
            for uri in [
                "/api/v1/profiles/\(two)/callees?function=handle", "/api/v1/query/callees?app=shop&version=2&function=handle",
            ] {
                let callees = try await client.get(uri, as: TreeAnswer.self)
                #expect(callees.frames.name == ["handle", "slow", "fast"], "\(uri)")
                #expect(callees.nodes.total == [40, 40, 30, 10], "\(uri)")
            }
            let callers = try await client.get("/api/v1/profiles/\(two)/callers?function=slow&file=app.py", as: TreeAnswer.self)
            #expect(callers.frames.name == ["slow", "handle", "main"])
            #expect(callers.nodes.total == [30, 30, 30, 30])
            let missing = try await client.get("/api/v1/profiles/\(two)/callers?function=slow&file=other.py")
            #expect(missing.status == .notFound)
            let diff = try await client.get(
                "/api/v1/diff/callers?function=fast&base.profile=\(one)&target.profile=\(two)", as: DiffAnswer.self)
            #expect(diff.base.total == 8 && diff.target.total == 10)
            #expect(diff.totals(of: "main")! == (8, 10))

            let id = try await client.startSession(["transaction": "GET /orders/{pk}", "requests": 1]).id
            #expect(try await client.post("/api/v1/sessions/\(id)/requests", body: try sessionRequest(request: "r1")).status == .created)
            let session = try await client.get("/api/v1/sessions/\(id)/callers?function=session_only_crunch", as: TreeAnswer.self)
            #expect(session.frames.name == ["session_only_crunch", "order_detail", "<module>"])
            #expect(session.nodes.total.first == 4)
            let oneRequest = try await client.get("/api/v1/sessions/\(id)/requests/r1/callees?function=order_detail", as: TreeAnswer.self)
            #expect(oneRequest.frames.name == ["order_detail", "session_only_crunch"])
            #expect(oneRequest.nodes.total == [5, 5, 4])
            let shared = try await client.get("/api/v1/profiles/\(two)", as: ProfileAnswer.self)
            let byToken = try await client.get("/api/v1\(shared.shareUrl)/callers?function=slow")
            #expect(byToken.status == .ok)
        }
    }

    @Test func aSharedComparisonKeepsAbsoluteSidesAndCanBeRevoked() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            _ = try await Self.twoVersions(client)
            let sides = "base.app=shop&base.from=now-1h&base.version=1&target.app=shop&target.version=2"
            let response = try await client.post("/api/v1/diff/share?\(sides)", body: Data())
            #expect(response.status == .created)
            let shared = try response.decode(SharedComparisonAnswer.self)
            #expect(shared.url == "/c/\(shared.token)")
            // The relative range was made absolute: Unix seconds, not "now-1h".
            #expect(!shared.sides.contains("now"))
            #expect(shared.sides.contains("base.from=17") || shared.sides.contains("base.from=18"))
            let live = try await client.get("/api/v1/diff?\(sides)")
            let kept = try await client.get(shared.apiUrl)
            #expect(kept.status == .ok)
            #expect(String(buffer: kept.body) == String(buffer: live.body))
            let callers = try await client.get("\(shared.apiUrl)/callers?function=slow", as: DiffAnswer.self)
            #expect(callers.base.total == 2 && callers.target.total == 30)
            #expect(try await client.get(shared.url).status == .ok)
            #expect(try await client.post("/api/v1/shares/\(shared.token)/revoke", body: Data()).status == .ok)
            #expect(try await client.get(shared.apiUrl).status == .notFound)
            #expect(try await client.get(shared.url).status == .notFound)
            // A side that names nothing is not shared.
            let bad = try await client.post("/api/v1/diff/share?base.profile=99&target.profile=1", body: Data())
            #expect(bad.status == .notFound)
        }
    }

    @Test func aComparisonDownloadsAsOneFileWithTheDiffInlined() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let (one, two) = try await Self.twoVersions(client)
            let response = try await client.get("/compare/report.html?base.profile=\(one)&target.profile=\(two)")
            #expect(response.status == .ok)
            #expect(response.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            let html = String(buffer: response.body)
            #expect(html.contains(#"<script type="application/json" id="diff-data">{"base":{"total":10"#))
            #expect(html.contains(#"data-sides="base.profile=\#(one)&amp;target.profile=\#(two)""#))
            // Nothing is loaded from anywhere: no src= and no module imports left.
            #expect(!html.contains(" src="))
            #expect(!html.split(separator: "\n").contains { $0.hasPrefix("import ") })
            let bad = try await client.get("/compare/report.html?base.profile=abc&target.profile=\(two)")
            #expect(bad.status == .badRequest)
        }
    }

    @Test func oneLabelValueAgainstTheRest() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            for (host, slow) in [("web-1", 20), ("web-2", 3), ("web-3", 4)] {
                let upload = try Self.upload(version: "1", slow: slow, fast: 1)
                var doc = try JSONSerialization.jsonObject(with: upload) as! [String: Any]
                doc["host"] = host
                #expect(try await client.ingest(try JSONSerialization.data(withJSONObject: doc)).status == .created)
            }
            let rest = try await client.get("/api/v1/query?app=shop&host!=web-1", as: TreeAnswer.self)
            #expect(rest.total == 3 + 1 + 4 + 1)
            let notTwo = try await client.get("/api/v1/query?app=shop&host!=web-1&host!=web-3", as: TreeAnswer.self)
            #expect(notTwo.total == 4)
            let diff = try await client.get(
                "/api/v1/diff?base.app=shop&base.host!=web-1&target.app=shop&target.host=web-1", as: DiffAnswer.self)
            #expect(diff.totals(of: "slow")! == (7, 20))
            // A shared query keeps the exclusion.
            let shared = try await client.post("/api/v1/query/share?app=shop&host!=web-1", body: Data()).decode(SharedQueryAnswer.self)
            let again = try await client.get(shared.treeUrl, as: TreeAnswer.self)
            #expect(again.total == 9)
            // An excluded label the app does not have is a 400 naming it.
            let bad = try await client.get("/api/v1/query?app=shop&colour!=red")
            #expect(bad.status == .badRequest)
            #expect(try errorMessage(bad).message.hasPrefix("colour: not a query parameter"))
        }
    }
}
