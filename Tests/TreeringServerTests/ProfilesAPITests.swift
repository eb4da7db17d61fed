import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TreeringServer

@Suite struct ProfilesAPITests {
    @Test func listIsNewestFirstWithPagination() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            var ids: [String] = []
            for _ in 0..<3 {
                ids.append(try json(try await client.ingest(validUpload).body)["id"] as! String)
            }
            let page1 = try await client.execute(uri: "/api/v1/profiles?limit=2", method: .get) { try json($0.body) }
            #expect((page1["profiles"] as? [[String: Any]])?.map { $0["id"] as! String } == [ids[2], ids[1]])
            let next = try #require(page1["next_before"] as? String)
            let page2 = try await client.execute(uri: "/api/v1/profiles?limit=2&before=\(next)", method: .get) { try json($0.body) }
            #expect((page2["profiles"] as? [[String: Any]])?.map { $0["id"] as! String } == [ids[0]])
            #expect(page2["next_before"] == nil)
            let other = try await client.execute(uri: "/api/v1/profiles?app=other", method: .get) { try json($0.body) }
            #expect((other["profiles"] as? [Any])?.isEmpty == true)
            let bad = try await client.execute(uri: "/api/v1/profiles?limit=0", method: .get)
            #expect(bad.status == .badRequest)
            #expect(try json(bad.body)["error"].debugDescription.contains("limit: must be an integer from 1 to 1000"))
        }
    }

    @Test func unknownProfilesAre404() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            for uri in ["/api/v1/profiles/99", "/api/v1/profiles/abc/tree", "/api/v1/p/not-a-token", "/profiles/99"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .notFound, "\(uri)")
            }
        }
    }

    @Test func pagesAndStaticFilesCarryTheContentSecurityPolicy() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let answer = try json(try await client.ingest(validUpload).body)
            for uri in ["/", "/profiles/\(answer["id"]!)", answer["share_url"] as! String, "/vendor/d3/d3.v7.9.0.min.js"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self'") == true, "\(uri)")
            }
        }
    }
}
