import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TreeringServer

@Suite struct AppSettingsAPITests {
    struct Settings: Decodable {
        var app: String
        var myPackages: [String]
    }

    struct TreeWithPackages: Decodable {
        var myPackages: [String]?
        var total: Int
    }

    func put(_ client: some TestClientProtocol, _ app: String, _ body: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/apps/\(app)/settings", method: .put, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: body))
    }

    @Test func myPackagesAreKeptPerAppAndReachEveryTreeOfTheApp() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let id = try await client.ingest(try DiffAPITests.upload(version: "1", slow: 2, fast: 3)).decode(IngestAnswer.self).id
            #expect(try await client.get("/api/v1/apps/shop/settings", as: Settings.self).myPackages == [])
            // No setting: the tree JSON has no my_packages field at all.
            #expect(try await client.get("/api/v1/query?app=shop", as: TreeWithPackages.self).myPackages == nil)

            let response = try await put(client, "shop", #"{"my_packages": ["shop_core", "acme-billing", "shop_core"]}"#)
            #expect(response.status == .ok)
            #expect(try response.decode(Settings.self).myPackages == ["acme-billing", "shop_core"])
            for uri in ["/api/v1/query?app=shop", "/api/v1/profiles/\(id)/tree"] {
                let tree = try await client.get(uri, as: TreeWithPackages.self)
                #expect(tree.myPackages == ["acme-billing", "shop_core"], "\(uri)")
                #expect(tree.total == 5)
            }
            // A body without the field keeps the setting.
            #expect(try await put(client, "shop", "{}").status == .ok)
            #expect(try await client.get("/api/v1/apps/shop/settings", as: Settings.self).myPackages.count == 2)
        }
    }

    @Test(arguments: [
        (#"{"my_packages": "shop"}"#, "my_packages: expected an array"),
        (#"{"my_packages": ["<script>"]}"#, "my_packages[0]: must be a package name"),
        (#"{"my_packages": [""]}"#, "my_packages[0]: must be a package name"),
        ("not json", "malformed JSON"),
    ])
    func badSettingsAre400NamingTheField(_ body: String, _ message: String) async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            _ = try await client.ingest(try DiffAPITests.upload(version: "1", slow: 2, fast: 3))
            let response = try await put(client, "shop", body)
            #expect(response.status == .badRequest)
            let error = try errorMessage(response)
            #expect(error.message.hasPrefix(message), "\(error.message)")
            #expect(try await client.get("/api/v1/apps/shop/settings", as: Settings.self).myPackages == [])
        }
    }

    @Test func anUnknownAppIs404() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let read = try await client.get("/api/v1/apps/nope/settings")
            let write = try await put(client, "nope", #"{"my_packages": ["a"]}"#)
            #expect(read.status == .notFound)
            #expect(write.status == .notFound)
        }
    }
}
