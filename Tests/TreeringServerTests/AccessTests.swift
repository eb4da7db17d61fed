import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Mustache
import Testing
import TreeringStore

@testable import TreeringServer

/// Who may use which route once keys exist: every route of the router is
/// in `table`, so a new route without an entry fails here.
@Suite struct AccessTests {
    static let table: [String: RouteAccess] = [
        "GET /healthz": .open, "GET /sign-in": .open, "POST /sign-in": .open, "POST /sign-out": .open,
        "GET /p/:token": .open, "GET /p/:token/report.html": .open,
        "GET /api/v1/p/:token": .open, "GET /api/v1/p/:token/tree": .open, "GET /api/v1/p/:token/folded": .open,
        "GET /api/v1/p/:token/speedscope.json": .open,
        "POST /api/v1/ingest": .scope(.ingest), "POST /ingest": .scope(.ingest), "POST /push.v1.PusherService/Push": .scope(.ingest),
        "POST /api/v1/sessions/:id/requests": .scope(.ingest), "GET /api/v1/apps/:app/sessions/active": .scope(.ingest),
        "GET /": .scope(.read), "GET /profiles/:id": .scope(.read), "GET /profiles/:id/report.html": .scope(.read),
        "GET /apps/:app": .scope(.read), "GET /q/:token": .open, "GET /sessions/:id": .scope(.read), "GET /s/:id": .open,
        "GET /api/v1/profiles": .scope(.read), "GET /api/v1/profiles/:id": .scope(.read), "GET /api/v1/profiles/:id/tree": .scope(.read),
        "GET /api/v1/profiles/:id/folded": .scope(.read), "GET /api/v1/profiles/:id/speedscope.json": .scope(.read),
        "GET /api/v1/apps": .scope(.read), "GET /api/v1/apps/:app/labels": .scope(.read), "GET /api/v1/apps/:app/timeline": .scope(.read),
        "GET /api/v1/query": .scope(.read), "GET /api/v1/query/folded": .scope(.read), "GET /api/v1/q/:token": .open,
        "GET /api/v1/apps/:app/sessions": .scope(.read), "GET /api/v1/sessions/:id": .scope(.read),
        "GET /api/v1/sessions/:id/tree": .scope(.read), "GET /api/v1/sessions/:id/folded": .scope(.read),
        "GET /api/v1/sessions/:id/requests/:request/tree": .scope(.read),
        "GET /api/v1/profiles/:id/callers": .scope(.read), "GET /api/v1/profiles/:id/callees": .scope(.read),
        "GET /api/v1/query/callers": .scope(.read), "GET /api/v1/query/callees": .scope(.read),
        "GET /api/v1/p/:token/callers": .open, "GET /api/v1/p/:token/callees": .open,
        "GET /api/v1/sessions/:id/requests/:request/callers": .scope(.read),
        "GET /api/v1/sessions/:id/requests/:request/callees": .scope(.read),
        "GET /api/v1/sessions/:id/callers": .scope(.read), "GET /api/v1/sessions/:id/callees": .scope(.read),
        "GET /api/v1/apps/:app/settings": .scope(.read), "PUT /api/v1/apps/:app/settings": .scope(.admin),
        "GET /compare": .scope(.read), "GET /compare/report.html": .scope(.read), "GET /c/:token/report.html": .open,
        "GET /api/v1/diff": .scope(.read),
        "POST /api/v1/diff/share": .scope(.admin), "GET /c/:token": .open, "GET /api/v1/c/:token": .open,
        "GET /api/v1/c/:token/folded": .open, "GET /api/v1/c/:token/callers": .open, "GET /api/v1/c/:token/callees": .open,
        "GET /api/v1/c/:token/sides": .open, "GET /api/v1/diff/folded": .scope(.read),
        "GET /api/v1/diff/callers": .scope(.read), "GET /api/v1/diff/callees": .scope(.read),
        "POST /api/v1/query/share": .scope(.admin), "POST /api/v1/shares/:token/revoke": .scope(.admin),
        "POST /api/v1/apps/:app/sessions": .scope(.admin),
        "POST /api/v1/sessions/:id/stop": .scope(.admin),
        "GET /api/v1/keys": .scope(.admin), "POST /api/v1/keys": .scope(.admin), "POST /api/v1/keys/:id/revoke": .scope(.admin),
    ]

    /// A concrete path for a route pattern.
    static func sample(_ pattern: String) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { part in
            switch part {
            case ":app": "shop"
            case ":id": "1"
            case ":token": "tok"
            case ":request": "r1"
            default: String(part)
            }
        }.joined(separator: "/")
    }

    @Test func everyRouteIsInTheTableAndRouteAccessAgrees() async throws {
        let arguments = TestArguments()
        let database = try await arguments.openStore()
        let templates = try await MustacheLibrary(directory: arguments.templatesDirectory)
        let router = buildRouter(
            database: database, templates: templates, ring: KeyRing([]), sessions: SignInSessions(store: database), arguments: arguments,
            logger: .init(label: "t"))
        var seen: Set<String> = []
        for route in router.routes {
            // Hummingbird writes parameters as {id}; the table as :id, as routes are declared.
            let path = route.path.description.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
            let name = "\(route.method) \(path.hasPrefix("/") ? "" : "/")\(path)"
            seen.insert(name)
            let expected = try #require(Self.table[name], "route \(name) is not in the access table")
            #expect(RouteAccess.of(method: route.method, path: Self.sample(String(name.split(separator: " ")[1]))) == expected, "\(name)")
        }
        #expect(seen == Set(Self.table.keys))
    }

    /// A server with one key of each scope, and an ingest key limited to another app.
    struct Keys {
        var ingest: String, read: String, admin: String, otherApp: String, revoked: String
    }

    static func serverWithKeys() async throws -> (some ApplicationProtocol, Keys) {
        let arguments = TestArguments()
        let database = try await arguments.openStore()
        let revoked = try await database.createKey(scope: .admin)
        _ = try await database.revokeKey(id: revoked.key.id)
        let keys = Keys(
            ingest: try await database.createKey(scope: .ingest).secret, read: try await database.createKey(scope: .read).secret,
            admin: try await database.createKey(scope: .admin, name: "ops").secret,
            otherApp: try await database.createKey(scope: .admin, apps: ["other"]).secret, revoked: revoked.secret)
        return (try await buildApplication(arguments), keys)
    }

    @Test func onceAKeyExistsEachRouteTakesOnlyKeysWithItsScopeAndApp() async throws {
        let (app, keys) = try await Self.serverWithKeys()
        try await app.test(.router) { client in
            func call(
                _ method: HTTPRequest.Method, _ uri: String, key: String?, basic: Bool = false, body: Data? = nil
            ) async throws -> TestResponse {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let key {
                    headers[.authorization] = basic ? "Basic " + Data("pyroscope:\(key)".utf8).base64EncodedString() : "Bearer \(key)"
                }
                return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
            }
            let upload = try HardeningTests.upload()
            // No key, an unknown key and a revoked one: 401 with a challenge, nothing stored.
            for key in [nil, "trk_nope", keys.revoked] {
                let refused = try await call(.post, "/api/v1/ingest", key: key, body: upload)
                #expect(refused.status == .unauthorized)
                #expect(refused.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
                #expect(try errorMessage(refused).code == "unauthorized")
            }
            #expect(try await call(.get, "/healthz", key: nil).status == .ok)
            // The ingest key uploads, as a bearer token and as a basic auth password, and reads nothing.
            #expect(try await call(.post, "/api/v1/ingest", key: keys.ingest, body: upload).status == .created)
            #expect(try await call(.post, "/api/v1/ingest", key: keys.ingest, basic: true, body: upload).status == .created)
            let readByIngest = try await call(.get, "/api/v1/profiles", key: keys.ingest)
            #expect(readByIngest.status == .forbidden)
            #expect(try errorMessage(readByIngest).message.contains("needs read"))
            #expect(try await call(.get, "/api/v1/apps/shop/sessions/active", key: keys.ingest).status == .ok)
            // The read key reads, and may not start a session or share.
            #expect(try await call(.get, "/api/v1/profiles", key: keys.read).status == .ok)
            #expect(try await call(.get, "/api/v1/query?app=shop", key: keys.read).status == .ok)
            let session = Data(#"{"transaction": "GET /"}"#.utf8)
            #expect(try await call(.post, "/api/v1/apps/shop/sessions", key: keys.read, body: session).status == .forbidden)
            #expect(try await call(.post, "/api/v1/apps/shop/sessions", key: keys.admin, body: session).status == .created)
            // A key limited to another app: refused on this app's routes and uploads.
            #expect(try await call(.get, "/api/v1/query?app=shop", key: keys.otherApp).status == .forbidden)
            let otherUpload = try await call(.post, "/api/v1/ingest", key: keys.otherApp, body: upload)
            #expect(otherUpload.status == .forbidden)
            #expect(try errorMessage(otherUpload).message.contains("limited to other"))
            // A profile's share link needs no key.
            let profile = try await call(.get, "/api/v1/profiles/1", key: keys.read).decode(ProfileAnswer.self)
            let token = try #require(profile.shareUrl.split(separator: "/").last)
            #expect(try await call(.get, "/api/v1/p/\(token)/tree", key: nil).status == .ok)
            // A session's share link: its page and its API by the token, not by the id.
            let started = try await call(.post, "/api/v1/apps/shop/sessions", key: keys.admin, body: session).decode(SessionAnswer.self)
            let sessionToken = try #require(started.shareUrl.split(separator: "/").last)
            #expect(try await call(.get, "/s/\(sessionToken)", key: nil).status == .ok)
            let shared = try await call(.get, "/api/v1/sessions/\(sessionToken)", key: nil)
            #expect(shared.status == .ok)
            #expect(try shared.decode(SessionAnswer.self).treeUrl == "/api/v1/sessions/\(sessionToken)/tree")
            #expect(try await call(.get, "/api/v1/sessions/\(started.id)", key: nil).status == .unauthorized)
            #expect(try await call(.post, "/api/v1/sessions/\(sessionToken)/stop", key: nil).status == .unauthorized)
            // A shared query's link: its app's reads within its range, with share=TOKEN.
            let now = Int(Date().timeIntervalSince1970)
            let range = "from=\(now - 3_600)&until=\(now)"
            let share = try await call(.post, "/api/v1/query/share?app=shop&\(range)", key: keys.admin).decode(SharedQueryAnswer.self)
            #expect(try await call(.get, "/q/\(share.token)", key: nil).status == .ok)
            #expect(try await call(.get, "/api/v1/query?app=shop&\(range)&share=\(share.token)", key: nil).status == .ok)
            #expect(try await call(.get, "/api/v1/apps/shop/timeline?\(range)&share=\(share.token)", key: nil).status == .ok)
            #expect(try await call(.get, "/api/v1/query?app=shop&\(range)", key: nil).status == .unauthorized)
            // Only the query's reads: the profile and session lists hand out share links of their own.
            #expect(try await call(.get, "/api/v1/profiles?app=shop&share=\(share.token)", key: nil).status == .unauthorized)
            #expect(try await call(.get, "/api/v1/apps/shop/sessions?share=\(share.token)", key: nil).status == .unauthorized)
            let wider = "from=\(now - 86_400)&until=\(now)"
            #expect(try await call(.get, "/api/v1/query?app=shop&\(wider)&share=\(share.token)", key: nil).status == .unauthorized)
            #expect(try await call(.get, "/api/v1/query?app=other&\(range)&share=\(share.token)", key: nil).status == .unauthorized)
        }
    }

    @Test func peopleSignInWithAKeyAndUseTheCookieWithinItsScope() async throws {
        let (app, keys) = try await Self.serverWithKeys()
        try await app.test(.router) { client in
            func signIn(_ key: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "key=\(key)&next=%2Fapps%2Fshop"))
            }
            // A page opened without a key goes to the sign-in page, and back after.
            let page = try await client.execute(uri: "/apps/shop?range=1h", method: .get, headers: [.accept: "text/html"])
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/sign-in?next=%2Fapps%2Fshop%3Frange%3D1h")
            #expect(String(buffer: try await client.get("/sign-in").body).contains(#"name="key""#))
            #expect(try await signIn("trk_wrong").status == .unauthorized)
            #expect(try await signIn(keys.ingest).status == .forbidden)

            let signedIn = try await signIn(keys.read)
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/apps/shop")
            let setCookie = try #require(signedIn.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && !setCookie.contains("Secure"))
            let overTLS = try await client.execute(
                uri: "/sign-in", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("X-Forwarded-Proto")!: "https"],
                body: ByteBuffer(string: "key=\(keys.read)"))
            #expect(overTLS.headers[.setCookie]?.contains("Secure") == true)
            let cookie = String(try #require(setCookie.split(separator: ";").first))
            #expect(try await client.execute(uri: "/api/v1/profiles", method: .get, headers: [.cookie: cookie]).status == .ok)
            let start = { (cookie: String, site: String) in
                try await client.execute(
                    uri: "/api/v1/apps/shop/sessions", method: .post,
                    headers: [.cookie: cookie, .contentType: "application/json", HTTPField.Name("Sec-Fetch-Site")!: site],
                    body: ByteBuffer(string: #"{"transaction": "GET /"}"#))
            }
            #expect(try await start(cookie, "same-origin").status == .forbidden)  // read may not start sessions
            let admin = String(try #require(try await signIn(keys.admin).headers[.setCookie]?.split(separator: ";").first))
            #expect(try await start(admin, "same-origin").status == .created)
            // A signed-in change from anywhere but this server's pages is refused.
            let crossSite = try await start(admin, "same-site")
            #expect(crossSite.status == .forbidden)
            #expect(try errorMessage(crossSite).code == "cross_site")
            // Signing out ends the session.
            #expect(try await client.execute(uri: "/sign-out", method: .post, headers: [.cookie: admin]).status == .seeOther)
            #expect(try await client.execute(uri: "/api/v1/apps", method: .get, headers: [.cookie: admin]).status == .unauthorized)
        }
    }

    /// Two servers on one database (two processes behind a load balancer,
    /// on PostgreSQL) share sign-ins: a cookie from one works on the other,
    /// and signing out on either ends it for both.
    @Test func aSignInOnOneServerHoldsOnAnotherOnTheSameDatabase() async throws {
        let arguments = TestArguments()
        let store = try await arguments.openStore()
        let admin = try await store.createKey(scope: .admin).secret
        let first = try await buildApplication(arguments)
        let second = try await buildApplication(arguments)
        try await first.test(.router) { one in
            try await second.test(.router) { other in
                let signedIn = try await one.execute(
                    uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "key=\(admin)&next=%2F"))
                let cookie = String(try #require(signedIn.headers[.setCookie]?.split(separator: ";").first))
                #expect(try await other.execute(uri: "/api/v1/apps", method: .get, headers: [.cookie: cookie]).status == .ok)
                #expect(try await other.execute(uri: "/sign-out", method: .post, headers: [.cookie: cookie]).status == .seeOther)
                #expect(try await one.execute(uri: "/api/v1/apps", method: .get, headers: [.cookie: cookie]).status == .unauthorized)
                #expect(try await other.execute(uri: "/api/v1/apps", method: .get, headers: [.cookie: cookie]).status == .unauthorized)
            }
        }
        try await store.close()
    }

    @Test func afterSignInOnlyPathsOfThisServerAreFollowed() {
        #expect(SignInController<TreeringRequestContext>.safeNext("/apps/shop?range=1h") == "/apps/shop?range=1h")
        for bad in ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", nil] {
            #expect(SignInController<TreeringRequestContext>.safeNext(bad) == "/", "\(String(describing: bad))")
        }
    }

    /// Every route of the router, with no key, each scope, a revoked key,
    /// basic auth and a key limited to another app: refused exactly when its
    /// rule says so (a route may still answer 400 or 404 for a sample path).
    @Test func everyRouteTimesEveryKindOfKey() async throws {
        let arguments = TestArguments()
        let database = try await arguments.openStore()
        let templates = try await MustacheLibrary(directory: arguments.templatesDirectory)
        let routes = buildRouter(
            database: database, templates: templates, ring: KeyRing([]), sessions: SignInSessions(store: database), arguments: arguments,
            logger: .init(label: "t")
        ).routes.map { route in
            (
                route.method,
                Self.sample(route.path.description.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: ""))
            )
        }
        let (app, keys) = try await Self.serverWithKeys()
        let basic = { (key: String) in "Basic " + Data("user:\(key)".utf8).base64EncodedString() }
        let callers: [(name: String, header: String?, scope: KeyScope?, otherApp: Bool)] = [
            ("no key", nil, nil, false), ("revoked", "Bearer \(keys.revoked)", nil, false),
            ("ingest", "Bearer \(keys.ingest)", .ingest, false), ("read", "Bearer \(keys.read)", .read, false),
            ("admin", "Bearer \(keys.admin)", .admin, false), ("admin by basic auth", basic(keys.admin), .admin, false),
            ("admin of another app", "Bearer \(keys.otherApp)", .admin, true),
        ]
        try await app.test(.router) { client in
            for (method, rawPath) in routes {
                let path = rawPath.hasPrefix("/") ? rawPath : "/" + rawPath
                let rule = RouteAccess.of(method: method, path: path)
                for caller in callers {
                    var headers: HTTPFields = [.contentType: "application/json"]
                    if let header = caller.header { headers[.authorization] = header }
                    let response = try await client.execute(uri: path, method: method, headers: headers)
                    let status = response.status
                    // A refusal of the access rules, not the route's own answer (POST /sign-in says 401 to a wrong key).
                    let code = (try? errorMessage(response))?.code
                    let expected: String
                    switch rule {
                    case .open: expected = "served"
                    case .scope(let needed):
                        if caller.scope == nil {
                            expected = "401"
                        } else if caller.scope! < needed {
                            expected = "403"
                        } else if caller.otherApp && RouteAccess.app(path: path) == "shop" {
                            expected = "403"
                        } else {
                            expected = "served"
                        }
                    }
                    let got =
                        status == .unauthorized && code == "unauthorized"
                        ? "401" : status == .forbidden && ["scope", "app"].contains(code ?? "") ? "403" : "served"
                    #expect(got == expected, "\(method) \(path) as \(caller.name): \(status)")
                }
            }
        }
    }

    @Test func adminsManageKeysThroughTheAPI() async throws {
        let (app, keys) = try await Self.serverWithKeys()
        try await app.test(.router) { client in
            func call(_ method: HTTPRequest.Method, _ uri: String, key: String, body: String? = nil) async throws -> TestResponse {
                try await client.execute(
                    uri: uri, method: method, headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                    body: body.map { ByteBuffer(string: $0) })
            }
            #expect(try await call(.get, "/api/v1/keys", key: keys.read).status == .forbidden)
            let created = try await call(.post, "/api/v1/keys", key: keys.admin, body: #"{"scope": "read", "name": "dash"}"#)
            #expect(created.status == .created)
            let secret = try #require(try created.decode(KeyAnswer.self).secret)
            #expect(try await call(.get, "/api/v1/profiles", key: secret).status == .ok)  // usable at once
            let listed = try await call(.get, "/api/v1/keys", key: keys.admin).decode(KeysAnswer.self).keys
            #expect(listed.allSatisfy { $0.secret == nil } && listed.contains { $0.name == "dash" })
            let id = try created.decode(KeyAnswer.self).id
            #expect(try await call(.post, "/api/v1/keys/\(id)/revoke", key: keys.admin).status == .noContent)
            #expect(try await call(.get, "/api/v1/profiles", key: secret).status == .unauthorized)
            let bad = try await call(.post, "/api/v1/keys", key: keys.admin, body: #"{"scope": "root"}"#)
            #expect(bad.status == .badRequest)
            #expect(try errorMessage(bad).message.hasPrefix("scope:"))
        }
    }

    @Test func aWriteFromAnotherSitesPageIsRefused() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/api/v1/apps/shop/sessions", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("Sec-Fetch-Site")!: "cross-site"],
                body: ByteBuffer(string: "transaction=GET+%2F"))
            #expect(response.status == .forbidden)
            #expect(try errorMessage(response).code == "cross_site")
        }
    }

    @Test func aNetworkAddressWithNoKeyRefusesToStartUnlessOpen() async throws {
        var arguments = TestArguments()
        arguments.hostname = "0.0.0.0"
        await #expect(throws: StartupError.self) { _ = try await buildApplication(arguments) }
        arguments.openAccess = true
        _ = try await buildApplication(arguments)
    }
}
