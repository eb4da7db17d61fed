import ArgumentParser
import Hummingbird
import Logging
import TreeringCore
import TreeringSQLite
import TreeringServer
import TreeringStore

struct Serve: AsyncParsableCommand, AppArguments {
    static let configuration = CommandConfiguration(
        abstract: "Run the server: ingest API, JSON API and dashboard, over a SQLite file or a PostgreSQL database.")

    @Option(name: .long, help: "Address to listen on (env TREERING_HOST).")
    var host: String = env("TREERING_HOST") ?? "127.0.0.1"

    @Option(help: "Port to listen on (env TREERING_PORT).")
    var port: Int = env("TREERING_PORT") ?? 8080

    @OptionGroup var store: DatabaseOption

    @Option(
        help:
            "SQLite: normal: an acknowledged upload survives a crash of the server; full: also a power cut, at an fsync per upload (env TREERING_DURABILITY)."
    )
    var durability: SQLiteStore.Durability = env("TREERING_DURABILITY") ?? .normal

    @OptionGroup var dashboard: DashboardFilesOption

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (env TREERING_LOG_LEVEL).")
    var logLevel: Logger.Level = env("TREERING_LOG_LEVEL") ?? .info

    @Option(help: "Remove data older than this: 90m, 12h, 30d, 8w (env TREERING_RETENTION).")
    var retention: String = env("TREERING_RETENTION") ?? "30d"

    @OptionGroup var limitOptions: LimitOptions

    @OptionGroup var sessionLimitOptions: SessionLimitOptions

    @OptionGroup var serverLimitOptions: ServerLimitOptions

    @Flag(help: "Serve a non-loopback address even with no API key (env TREERING_OPEN=1): everyone may do everything.")
    var open: Bool = env("TREERING_OPEN") == 1

    @Flag(help: "Mark the sign-in cookie Secure: the dashboard is reached over HTTPS, through a proxy (env TREERING_SECURE_COOKIES=1).")
    var secureCookies: Bool = env("TREERING_SECURE_COOKIES") == 1

    var hostname: String { host }
    var database: String { store.db }
    var limits: IngestLimits {
        var limits = limitOptions.limits
        limits.bodyTimeoutSeconds = serverLimitOptions.bodyTimeoutSeconds
        return limits
    }
    var sessionLimits: SessionLimits { sessionLimitOptions.limits }
    var storeLimits: StoreLimits { serverLimitOptions.storeLimits }
    var serverLimits: ServerLimits { serverLimitOptions.serverLimits }
    var openAccess: Bool { open }
    var retentionSeconds: Double { DurationText.seconds(retention) ?? 30 * 86_400 }

    func validate() throws {
        guard let seconds = DurationText.seconds(retention), seconds >= 60 else {
            throw ValidationError(
                "--retention: must be a duration of at least a minute, such as 90m, 12h, 30d or 8w (got \"\(retention)\")")
        }
    }
    var publicDirectory: String { dashboard.publicDir }
    var templatesDirectory: String { dashboard.templatesDir }

    func run() async throws {
        Treering.bootstrapLogging(level: logLevel)
        var logger = Logger(label: "treering")
        logger.logLevel = logLevel
        let app = try await buildApplication(self, logger: logger)
        try await app.runService()
    }
}

extension SQLiteStore.Durability: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
extension SQLiteStore.Durability: LosslessStringConvertible {
    public init?(_ description: String) { self.init(rawValue: description) }
    public var description: String { rawValue }
}
