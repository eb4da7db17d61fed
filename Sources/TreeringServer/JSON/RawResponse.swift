import Hummingbird
import NIOCore

/// Bytes already written by a core writer (tree JSON, folded text, a page),
/// sent with their content type; `Codable` answers go through the context's encoder.
struct RawResponse: ResponseGenerator {
    var contentType: String
    var bytes: [UInt8]
    var status: HTTPResponse.Status = .ok
    var headers: HTTPFields = [:]

    static func json(_ bytes: [UInt8]) -> RawResponse {
        RawResponse(contentType: "application/json; charset=utf-8", bytes: bytes)
    }

    static func text(_ text: String) -> RawResponse {
        RawResponse(contentType: "text/plain; charset=utf-8", bytes: Array(text.utf8))
    }

    static func html(_ text: String) -> RawResponse {
        RawResponse(contentType: "text/html; charset=utf-8", bytes: Array(text.utf8))
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = contentType
        return Response(
            status: status, headers: fields,
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
