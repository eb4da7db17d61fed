import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import TreeringStore

/// People sign in with a read or admin key and get a session cookie
/// (HttpOnly, SameSite=Strict, Secure with `--secure-cookies`); pages and
/// their API calls then use the cookie.
struct SignInController<Context: RequestContext> {
    let ring: KeyRing
    let sessions: SignInSessions
    let templates: MustacheLibrary
    let secureCookies: Bool

    var endpoints: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("sign-in", use: page)
            .post("sign-in", use: signIn)
            .post("sign-out", use: signOut)
    }

    struct Page {
        var next: String
        var problem: String?
        var signed_in: String?
    }

    func render(_ page: Page, status: HTTPResponse.Status = .ok) throws -> RawResponse {
        guard let html = templates.render(page, withTemplate: "sign-in") else {
            throw APIError(.internalServerError, code: "template_missing", message: "template sign-in is missing")
        }
        var response = RawResponse.html(html)
        response.status = status
        return response
    }

    @Sendable func page(request: Request, context: Context) async throws -> RawResponse {
        var signedIn: APIKey?
        if let token = request.cookies[SignInSessions.cookie]?.value, let id = try await sessions.keyID(token: token) {
            signedIn = ring.key(id: id)
        }
        return try render(
            Page(
                next: Self.safeNext(FormQuery.parameters(request).get("next")), problem: nil,
                signed_in: signedIn.map { "\($0.id) (\($0.name ?? $0.scope.rawValue), \($0.scope.rawValue))" }))
    }

    @Sendable func signIn(request: Request, context: Context) async throws -> Response {
        var limits = IngestLimits()
        limits.maxBodyBytes = 16 * 1024
        let body = try await BodyReader(limits: limits).read(request)
        let fields = Dictionary(FormQuery.pairs(String(decoding: body, as: UTF8.self)).map { ($0.key, $0.value) }) { _, last in last }
        let next = Self.safeNext(fields["next"])
        guard let key = ring.key(secret: fields["key"]?.trimmingCharacters(in: .whitespaces) ?? "") else {
            return try render(Page(next: next, problem: "That key is not known, or was revoked."), status: .unauthorized)
                .response(from: request, context: context)
        }
        guard key.has(.read) else {
            return try render(
                Page(next: next, problem: "Key \(key.id) is an ingest key, for agents: sign in with a read or admin key."),
                status: .forbidden
            ).response(from: request, context: context)
        }
        let token = try await sessions.start(key: key)
        var response = Response(status: .seeOther, headers: [.location: next])
        response.setCookie(
            Cookie(
                name: SignInSessions.cookie, value: token, maxAge: Int(sessions.lifetimeSeconds), path: "/",
                secure: secure(request), httpOnly: true, sameSite: .strict))
        return response
    }

    @Sendable func signOut(request: Request, context: Context) async throws -> Response {
        if let token = request.cookies[SignInSessions.cookie]?.value { try await sessions.end(token: token) }
        var response = Response(status: .seeOther, headers: [.location: "/sign-in"])
        response.setCookie(
            Cookie(name: SignInSessions.cookie, value: "", maxAge: 0, path: "/", secure: secure(request), httpOnly: true, sameSite: .strict)
        )
        return response
    }

    /// The cookie is Secure when asked (`--secure-cookies`) or when a TLS
    /// proxy in front says the browser came over HTTPS.
    func secure(_ request: Request) -> Bool {
        secureCookies || request.headers[.xForwardedProto]?.lowercased() == "https"
    }

    /// Where to go after signing in: a path on this server only (never
    /// `//other.host` or a full URL), else the index.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
            !next.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return "/" }
        return next
    }
}

extension HTTPField.Name {
    static let xForwardedProto = Self("X-Forwarded-Proto")!
}
