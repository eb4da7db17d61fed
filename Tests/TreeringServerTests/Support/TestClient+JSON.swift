import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Requests the server tests send, in the words of the API.
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

    /// `GET uri`, its body decoded as `Answer`.
    func get<Answer: Decodable>(_ uri: String, as type: Answer.Type) async throws -> Answer {
        try await get(uri).decode(type)
    }

    func ingest(_ body: Data, headers: HTTPFields = [.contentType: "application/json"]) async throws -> TestResponse {
        try await execute(uri: "/api/v1/ingest", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    func profileCount() async throws -> Int {
        try await get("/api/v1/profiles", as: ProfilesPage.self).profiles.count
    }

    /// Starts a session of `app`, expecting 201, and answers the session.
    func startSession(_ body: [String: Any], app: String = "shop-web") async throws -> SessionAnswer {
        let response = try await post("/api/v1/apps/\(app)/sessions", json: body)
        #expect(response.status == .created, "\(String(buffer: response.body))")
        return try response.decode(SessionAnswer.self)
    }
}
