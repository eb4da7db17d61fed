import HTTPTypes
import Hummingbird
import Mustache

/// A browser that opens a dashboard link which finds nothing (an unknown
/// profile, app, token or path) gets a page with the reason and a link home,
/// not the API's JSON or an empty 404. API paths and clients that do not ask
/// for HTML keep the JSON error.
struct ErrorPageMiddleware<Context: RequestContext>: RouterMiddleware {
    let templates: MustacheLibrary

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPResponseError {
            guard request.wantsPage, let page = page(for: error) else { throw error }
            return try page.response(from: request, context: context)
        }
    }

    func page(for error: HTTPResponseError) -> RawResponse? {
        let (title, message): (String, String)
        switch (error.status, error as? APIError) {
        case (.notFound, let api?) where api.message.hasPrefix("no page or API route"):
            (title, message) = ("Not found", "There is no page at this address.")
        case (.notFound, let api?): (title, message) = ("Not found", api.message.prefix(1).uppercased() + api.message.dropFirst() + ".")
        case (.notFound, nil): (title, message) = ("Not found", "There is no page at this address.")
        case (_, let api?): (title, message) = (error.status.reasonPhrase, api.message)
        default: return nil
        }
        let context = ["title": title, "message": message, "status": String(error.status.code)]
        guard let html = templates.render(context, withTemplate: "error") else { return nil }
        var page = RawResponse.html(html)
        page.status = error.status
        // A 401 keeps its WWW-Authenticate, so the browser asks for the key.
        if let api = error as? APIError { page.headers = api.headers }
        return page
    }
}
