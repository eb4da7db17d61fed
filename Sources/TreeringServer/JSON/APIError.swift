import Foundation
import Hummingbird
import TreeringCore

/// An error answered as `{"error": {"code": "...", "message": "..."}}`.
public struct APIError: HTTPResponseError {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Extra headers, such as `Retry-After` or `Connection: close`.
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public init(_ error: InputError) {
        self.init(.badRequest, code: error.code.rawValue, message: error.message)
    }

    static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "\(what) not found")
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder.treering.encode(["error": ["code": code, "message": message]])
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: status,
            headers: fields,
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension HTTPResponse.Status {
    /// 507: the server cannot store what was sent (its disk is full).
    static let insufficientStorage = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
}
