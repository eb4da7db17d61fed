import Hummingbird
import TreeringCore
import TreeringStore

/// An app's settings for the dashboard: which installed packages are the
/// app's own code, so library folding leaves their frames alone.
struct AppSettingsController<Context: RequestContext> {
    let database: any ProfileStore
    let limits: IngestLimits

    var endpoints: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("apps/:app/settings", use: get)
            .put("apps/:app/settings", use: put)
    }

    struct SettingsJSON: ResponseEncodable {
        var app: String
        var myPackages: [String]
    }

    @Sendable func get(request: Request, context: Context) async throws -> SettingsJSON {
        let app = try context.parameters.app()
        guard let packages = try await database.myPackages(app: app) else { throw APIError.notFound("app \(app)") }
        return SettingsJSON(app: app, myPackages: packages)
    }

    /// Replaces the settings given (admin); fields left out keep their value.
    @Sendable func put(request: Request, context: Context) async throws -> SettingsJSON {
        let app = try context.parameters.app()
        let body = try AppSettingsBody.read(try await BodyReader(limits: limits).read(request))
        if let names = body.myPackages {
            let checked = try MyPackages.check(names)
            guard try await database.setMyPackages(app: app, checked) else { throw APIError.notFound("app \(app)") }
            context.logger.info("app settings changed", metadata: ["app": "\(app)"])
        }
        return try await get(request: request, context: context)
    }
}
