import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TreeringServer

@Suite struct IngestTests {
    @Test func uploadIsStoredAndAnsweredWithItsLinks() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let response = try await client.ingest(validUpload)
            #expect(response.status == .created)
            let answer = try response.decode(IngestAnswer.self)
            let id = answer.id
            #expect(answer.url == "/profiles/\(id)")
            #expect(answer.shareUrl.hasPrefix("/p/"))
            #expect(answer.samples == 15)

            try await client.execute(uri: "/api/v1/profiles/\(id)/folded", method: .get) { response in
                #expect(response.status == .ok)
                #expect(
                    String(buffer: response.body) == """
                        <module> (manage.py:1);get_response (django/core/handlers/base.py:165) 3
                        <module> (manage.py:1);get_response (django/core/handlers/base.py:165);order_list (shop/views.py:42) 12

                        """)
            }
            try await client.execute(uri: "/api/v1/profiles/\(id)/folded?by=thread", method: .get) { response in
                #expect(String(buffer: response.body).hasPrefix("MainThread;<module> (manage.py:1)"))
            }
            try await client.execute(uri: "/api/v1/profiles/\(id)/tree", method: .get) { response in
                let tree = try response.decode(TreeAnswer.self)
                #expect(tree.total == 15)
                #expect(tree.nodes.parent == [-1, 0, 1, 2])
                #expect(tree.nodes.total == [15, 15, 15, 12])
            }
            try await client.execute(uri: "/api/v1/profiles/\(id)", method: .get) { response in
                let meta = try response.decode(ProfileAnswer.self)
                #expect(meta.app == "shop-web")
                #expect(meta.threads == ["MainThread", "Thread-3 (process_request)"])
                #expect(meta.tags == ["env": "prod", "version": "2024.11.2"])
            }
            let share = answer.shareUrl
            try await client.execute(uri: "/api/v1\(share)/folded", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("order_list (shop/views.py:42) 12"))
            }
        }
    }

    @Test func gzipUploadIsInflated() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let response = try await client.ingest(
                try gzip(validUpload), headers: [.contentType: "application/json", .contentEncoding: "gzip"])
            #expect(response.status == .created)
        }
    }

    @Test(arguments: VectorFile.invalid)
    func invalidUploadIsRefusedAndStoresNothing(_ vector: VectorFile) async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let response = try await client.ingest(vector.data)
            #expect(response.status == .badRequest)
            let error = try response.decode(ErrorAnswer.self).error
            #expect(error.code == vector.code)
            #expect(error.message.contains(vector.errorContains), "\(error)")
            #expect(try await client.profileCount() == 0)
            // Still healthy, and a good upload goes through.
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await client.ingest(validUpload).status == .created)
        }
    }

    @Test func bodyOverTheLimitIs413() async throws {
        var limits = IngestLimits()
        limits.maxBodyBytes = 200
        let app = try await buildApplication(TestArguments(limits: limits))
        try await app.test(.router) { client in
            let response = try await client.ingest(validUpload)
            #expect(response.status == .contentTooLarge)
            #expect(try errorMessage(response).message.contains("over the limit of 200 bytes"))
            #expect(try await client.profileCount() == 0)
        }
    }

    @Test func gzipBombIs413WhileStreaming() async throws {
        // 64 MiB of zeros compresses to ~64 KiB; the limit stops inflation at 1 MiB.
        var limits = IngestLimits()
        limits.maxDecompressedBytes = 1 << 20
        let bomb = try gzip(Data(count: 64 << 20))
        #expect(bomb.count < 200_000)
        let app = try await buildApplication(TestArguments(limits: limits))
        try await app.test(.router) { client in
            let response = try await client.ingest(bomb, headers: [.contentType: "application/json", .contentEncoding: "gzip"])
            #expect(response.status == .contentTooLarge)
            #expect(try errorMessage(response).message.contains("decompressed body is over the limit"))
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test func brokenGzipIs400() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let response = try await client.ingest(validUpload, headers: [.contentType: "application/json", .contentEncoding: "gzip"])
            #expect(response.status == .badRequest)
            #expect(try await client.profileCount() == 0)
        }
    }

    @Test func unknownEncodingAndContentTypeAre415() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let br = try await client.ingest(validUpload, headers: [.contentType: "application/json", .contentEncoding: "br"])
            #expect(br.status == .unsupportedMediaType)
            #expect(try errorMessage(br).message.contains("Content-Encoding"))
            let xml = try await client.ingest(validUpload, headers: [.contentType: "application/xml"])
            #expect(xml.status == .unsupportedMediaType)
            #expect(try await client.profileCount() == 0)
        }
    }
}
