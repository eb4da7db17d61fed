import Hummingbird
import Logging
import TreeringCore
import TreeringStore

/// Every error a request ends in becomes the API's JSON error body here, in
/// one place: the HTTP layer's own errors (unknown route, wrong method), the
/// store's limits, storage failures (507 or 503 with `Retry-After`: the
/// client should send again later, nothing was stored) and anything
/// unexpected (500, logged). Pages opened by a browser are left to
/// `ErrorPageMiddleware`, which sits outside this one.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as InputError {
            throw error
        } catch let error as HTTPError where error.status == .notFound && error.body == nil {
            // No route: a page for a browser (ErrorPageMiddleware says so), JSON for the rest.
            throw APIError(
                .notFound, code: "not_found", message: "no page or API route at \(request.method) \(request.uri.path.prefix(200))")
        } catch let error as HTTPResponseError {
            // Hummingbird's own errors (HTTPError, a body over a limit, ...).
            throw APIError(
                error.status, code: Self.code(error.status),
                message: (error as? HTTPError)?.body ?? "\(error.status.reasonPhrase): \(request.method) \(request.uri.path.prefix(200))",
                headers: (error as? HTTPError)?.headers ?? [:])
        } catch let error as StoreError {
            throw Self.answer(error, request: request, logger: context.logger)
        } catch {
            if let failure = StorageFailure(error) {
                context.logger.error(
                    "storage failure", metadata: ["path": "\(request.uri.path)", "error": "\(error)", "kind": "\(failure)"])
                throw failure.apiError
            }
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw APIError(.internalServerError, code: "internal_error", message: "the server failed on this request; it was logged")
        }
    }

    static func answer(_ error: StoreError, request: Request, logger: Logger) -> APIError {
        switch error {
        case .limitReached(let limit, let message):
            logger.info("refused: limit reached", metadata: ["limit": "\(limit)", "path": "\(request.uri.path)"])
            return APIError(.badRequest, code: "limit_reached", message: message)
        case .frameIDSpaceExhausted, .unusableFile:
            logger.error("storage failure", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return APIError(.insufficientStorage, code: "storage_full", message: "the store cannot take more: \(error)")
        case .copyRowShape, .badLocation:
            logger.error("store failure", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return APIError(.internalServerError, code: "internal_error", message: "the server failed on this request; it was logged")
        }
    }

    /// `not_found`, `method_not_allowed`, ...
    static func code(_ status: HTTPResponse.Status) -> String {
        status.reasonPhrase.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: "_")
    }
}
