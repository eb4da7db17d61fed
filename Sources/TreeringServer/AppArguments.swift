import TreeringCore
import TreeringSQLite
import TreeringStore

/// Everything `buildApplication` needs, so that the command line and the
/// tests build the application the same way.
public protocol AppArguments: Sendable {
    var hostname: String { get }
    var port: Int { get }
    /// The store: a SQLite file (created when missing) or a `postgres://` URL.
    var database: String { get }
    /// SQLite only: how hard a commit is pushed to disk.
    var durability: SQLiteStore.Durability { get }
    var limits: IngestLimits { get }
    /// Folder of static files served at `/`.
    var publicDirectory: String { get }
    /// Folder of the Mustache page templates.
    var templatesDirectory: String { get }
    /// Data whose start is older than this many seconds is removed.
    var retentionSeconds: Double { get }
    /// Rules for targeted sessions (N, time limit, interval, poll period).
    var sessionLimits: SessionLimits { get }
    /// Caps on series, apps and running sessions.
    var storeLimits: StoreLimits { get }
    /// Connections, timeouts, upload times and query ranges.
    var serverLimits: ServerLimits { get }
    /// Serve a non-loopback address with no API key (everyone may do everything).
    var openAccess: Bool { get }
    /// Mark the sign-in cookie Secure (the server is reached over HTTPS, through a proxy).
    var secureCookies: Bool { get }
}

extension AppArguments {
    public var retentionSeconds: Double { 30 * 86_400 }
    public var sessionLimits: SessionLimits { .default }
    public var storeLimits: StoreLimits { .default }
    public var serverLimits: ServerLimits { .default }
    public var openAccess: Bool { false }
    public var secureCookies: Bool { false }
}
