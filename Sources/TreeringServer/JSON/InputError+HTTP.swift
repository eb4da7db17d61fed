import Hummingbird
import TreeringCore

/// Input the core refused is answered 400 with the API's error body, in one
/// place: handlers let `InputError` through instead of wrapping it.
extension InputError: HTTPResponseError {
    public var status: HTTPResponse.Status { .badRequest }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try APIError(self).response(from: request, context: context)
    }
}
