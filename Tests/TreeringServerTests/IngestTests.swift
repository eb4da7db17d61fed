import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TreeringServer

let repo = TestArguments.repo
let vectors = repo.appendingPathComponent("Tests/vectors/treering1")
let validUpload = try! Data(contentsOf: vectors.appendingPathComponent("valid-basic.json"))

func gzip(_ data: Data) throws -> Data {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("body")
    try data.write(to: file)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-k", "-9", file.path]
    try process.run()
    process.waitUntilExit()
    return try Data(contentsOf: folder.appendingPathComponent("body.gz"))
}

func json(_ buffer: ByteBuffer) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] ?? [:]
}

extension TestClientProtocol {
    func ingest(_ body: Data, headers: HTTPFields = [.contentType: "application/json"]) async throws -> TestResponse {
        try await execute(uri: "/api/v1/ingest", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    func profileCount() async throws -> Int {
        try await execute(uri: "/api/v1/profiles", method: .get) { response in
            (try json(response.body)["profiles"] as? [Any])?.count ?? -1
        }
    }
}

@Suite struct IngestTests {
    @Test func uploadIsStoredAndAnsweredWithItsLinks() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let response = try await client.ingest(validUpload)
            #expect(response.status == .created)
            let answer = try json(response.body)
            let id = try #require(answer["id"] as? String)
            #expect(answer["url"] as? String == "/profiles/\(id)")
            #expect((answer["share_url"] as? String)?.hasPrefix("/p/") == true)
            #expect(answer["samples"] as? Int == 15)

            try await client.execute(uri: "/api/v1/profiles/\(id)/folded", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == """
                    <module> (manage.py:1);get_response (django/core/handlers/base.py:165) 3
                    <module> (manage.py:1);get_response (django/core/handlers/base.py:165);order_list (shop/views.py:42) 12

                    """)
            }
            try await client.execute(uri: "/api/v1/profiles/\(id)/folded?by=thread", method: .get) { response in
                #expect(String(buffer: response.body).hasPrefix("MainThread;<module> (manage.py:1)"))
            }
            try await client.execute(uri: "/api/v1/profiles/\(id)/tree", method: .get) { response in
                let tree = try json(response.body)
                #expect(tree["total"] as? Int == 15)
                let nodes = try #require(tree["nodes"] as? [String: [Int]])
                #expect(nodes["parent"] == [-1, 0, 1, 2])
                #expect(nodes["total"] == [15, 15, 15, 12])
            }
            try await client.execute(uri: "/api/v1/profiles/\(id)", method: .get) { response in
                let meta = try json(response.body)
                #expect(meta["app"] as? String == "shop-web")
                #expect(meta["threads"] as? [String] == ["MainThread", "Thread-3 (process_request)"])
                #expect(meta["tags"] as? [String: String] == ["env": "prod", "version": "2024.11.2"])
            }
            let share = try #require(answer["share_url"] as? String)
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
            let error = try #require(try json(response.body)["error"] as? [String: String])
            #expect(error["code"] == vector.code)
            #expect(error["message"]?.contains(vector.errorContains) == true, "\(error)")
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
            #expect(try json(response.body)["error"].debugDescription.contains("over the limit of 200 bytes"))
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
            #expect(try json(response.body)["error"].debugDescription.contains("decompressed body is over the limit"))
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
            #expect(try json(br.body)["error"].debugDescription.contains("Content-Encoding"))
            let xml = try await client.ingest(validUpload, headers: [.contentType: "application/xml"])
            #expect(xml.status == .unsupportedMediaType)
            #expect(try await client.profileCount() == 0)
        }
    }
}

/// An invalid case of the shared vectors, as the server test sees it.
struct VectorFile: CustomStringConvertible, Sendable {
    var file: String
    var code: String
    var errorContains: String
    var data: Data { try! Data(contentsOf: vectors.appendingPathComponent(file)) }
    var description: String { file }

    static let invalid: [VectorFile] = {
        let cases = (try! JSONSerialization.jsonObject(with: Data(contentsOf: vectors.appendingPathComponent("cases.json"))) as! [String: Any])["cases"] as! [[String: Any]]
        return cases.filter { $0["valid"] as? Bool == false }.map {
            VectorFile(file: $0["file"] as! String, code: $0["code"] as! String, errorContains: $0["error_contains"] as! String)
        }
    }()
}
