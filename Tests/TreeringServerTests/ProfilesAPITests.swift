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
                ids.append(try await client.ingest(validUpload).decode(IngestAnswer.self).id)
            }
            let page1 = try await client.get("/api/v1/profiles?limit=2", as: ProfilesPage.self)
            #expect(page1.profiles.map(\.id) == [ids[2], ids[1]])
            let next = try #require(page1.nextBefore)
            let page2Response = try await client.get("/api/v1/profiles?limit=2&before=\(next)")
            #expect(try page2Response.decode(ProfilesPage.self).profiles.map(\.id) == [ids[0]])
            #expect(try !page2Response.fieldNames().contains("next_before"))
            let other = try await client.get("/api/v1/profiles?app=other", as: ProfilesPage.self)
            #expect(other.profiles.isEmpty)
            let bad = try await client.execute(uri: "/api/v1/profiles?limit=0", method: .get)
            #expect(bad.status == .badRequest)
            #expect(try errorMessage(bad).message.contains("limit: must be an integer from 1 to 1000"))
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
            let answer = try await client.ingest(validUpload).decode(IngestAnswer.self)
            for uri in ["/", "/profiles/\(answer.id)", answer.shareUrl, "/vendor/d3/d3.v7.9.0.min.js"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self'") == true, "\(uri)")
            }
        }
    }
}
