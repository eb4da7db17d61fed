import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import Mustache
import TreeringStore

/// Builds the server the same way for production and for tests.
public func buildApplication(_ arguments: some AppArguments, logger: Logger? = nil) async throws -> some ApplicationProtocol {
    let logger = logger ?? Logger(label: "treering")
    for (name, folder) in [("templates", arguments.templatesDirectory), ("static files", arguments.publicDirectory)]
    where !FileManager.default.fileExists(atPath: folder) {
        // Pages would answer 404/500; say why at start-up rather than per request.
        logger.warning("the \(name) folder \(folder) does not exist: run from the repository root or pass its path")
    }
    let opened = try await StoreOpener.open(
        arguments.database, durability: arguments.durability, limits: arguments.storeLimits, logger: logger)
    let database = opened.store
    let templates = try await MustacheLibrary(directory: arguments.templatesDirectory)
    let ring = KeyRing(try await database.activeKeyCredentials())
    if ring.isOpen && !isLoopback(arguments.hostname) {
        guard arguments.openAccess else { throw StartupError.openOnNetwork(host: arguments.hostname, db: arguments.database) }
        logger.warning(
            "listening on \(arguments.hostname) with no API key (--open): anyone who can reach the port can upload, read and start sessions"
        )
    }
    let router = buildRouter(
        database: database, templates: templates, ring: ring, sessions: SignInSessions(store: database), arguments: arguments,
        logger: logger)
    logger.info("database \(StoreLocation(arguments.database))")
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .milliseconds(Int64(arguments.serverLimits.idleTimeoutSeconds * 1000)))),
        configuration: .init(
            address: .hostname(arguments.hostname, port: arguments.port), serverName: "treering",
            availableConnectionsDelegate: MaximumAvailableConnections(OpenFiles.connectionLimit(arguments.serverLimits.maxConnections))),
        // ServiceLifecycle stops services in reverse order: the store closes last.
        services: [
            StoreClosingService(store: database, logger: logger),
            MaintenanceService(database: database, retentionSeconds: arguments.retentionSeconds, logger: logger),
            KeyRingService(database: database, ring: ring, logger: logger),
        ] + opened.services,
        logger: logger)
}

func buildRouter(
    database: any ProfileStore, templates: MustacheLibrary, ring: KeyRing, sessions: SignInSessions, arguments: some AppArguments,
    logger: Logger
) -> Router<TreeringRequestContext> {
    let router = Router(context: TreeringRequestContext.self)
    router.addMiddleware {
        LogRequestsMiddleware(.debug)
        SecurityHeadersMiddleware()
        ErrorPageMiddleware(templates: templates)
        APIErrorMiddleware()
        PathCheckMiddleware()
        AuthMiddleware(ring: ring, sessions: sessions, database: database)
        FileMiddleware(arguments.publicDirectory, searchForIndexHtml: false, logger: logger)
    }
    router.get("healthz") { _, _ in HTTPResponse.Status.ok }
    router.addRoutes(KeysController(database: database, ring: ring).endpoints, atPath: "api/v1")
    router.addRoutes(
        SignInController(ring: ring, sessions: sessions, templates: templates, secureCookies: arguments.secureCookies).endpoints)
    let window = IngestWindow(retentionSeconds: arguments.retentionSeconds, maxClockSkewSeconds: arguments.serverLimits.maxClockSkewSeconds)
    router.addRoutes(IngestController(database: database, limits: arguments.limits, window: window).endpoints, atPath: "api/v1")
    router.addRoutes(ProfilesController(database: database).endpoints, atPath: "api/v1")
    let queries = QueryController<TreeringRequestContext>(
        database: database, retentionSeconds: arguments.retentionSeconds,
        maxRangeSeconds: arguments.serverLimits.maxQueryRangeSeconds,
        maxTimelinePoints: arguments.serverLimits.maxTimelinePoints)
    router.addRoutes(queries.endpoints, atPath: "api/v1")
    let diffs = DiffController(sources: TreeSourceLoader(database: database, queries: queries))
    router.addRoutes(diffs.endpoints, atPath: "api/v1")
    router.addRoutes(AppSettingsController(database: database, limits: arguments.limits).endpoints, atPath: "api/v1")
    router.addRoutes(
        SessionsController(database: database, limits: arguments.limits, sessionLimits: arguments.sessionLimits).endpoints,
        atPath: "api/v1")
    router.addRoutes(PyroscopeController(database: database, limits: arguments.limits, window: window).endpoints)
    let serverURL = "http://\(arguments.hostname):\(arguments.port)"
    let report = StandaloneReport(templates: templates, publicDirectory: arguments.publicDirectory)
    router.addRoutes(
        PagesController(
            database: database, templates: templates, serverURL: serverURL, report: report,
            retentionSeconds: arguments.retentionSeconds, diffs: diffs
        ).endpoints)
    return router
}

/// 127.0.0.0/8, ::1 and localhost: addresses no other machine reaches.
func isLoopback(_ host: String) -> Bool {
    host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
}
