import Foundation
import TreeringCore

/// Everything the server reads and writes, whatever database is below:
/// `SQLiteStore` (one file, the embedded default) or `PostgresStore` (any
/// number of server processes on one database). Each call is one
/// transaction; nothing above this protocol knows which backend it talks to.
public protocol ProfileStore: AnyObject, Sendable {
    /// The running sessions, served to agents without a database read.
    var activeSessions: ActiveSessionCache { get }
    /// The last cap each app ran into, for the dashboard.
    var capNotices: CapNotices { get }

    // MARK: profiles

    /// Stores several profiles of one request in one transaction: all are
    /// kept or none is. Returns only after the commit.
    func saveProfiles(_ profiles: [Profile], now: Double) async throws -> [ProfileSummary]
    /// Profiles newest first; `before` is the id of the last profile of the previous page.
    func listProfiles(app: String?, limit: Int, before: Int64?) async throws -> [ProfileSummary]
    func profile(id: Int64) async throws -> ProfileSummary?
    func profile(shareToken: String) async throws -> ProfileSummary?
    /// The profile's call tree, merged across its series; with `byThread`,
    /// each thread becomes a root frame of its own.
    func profileTree(id: Int64, byThread: Bool) async throws -> LoadedTree?
    /// Frame rows by id.
    func frames(ids: Set<Int32>) async throws -> [Int32: Frame]
    /// Apps that have sent profiles, most recently seen first.
    func listApps() async throws -> [AppSummary]

    // MARK: queries over time

    /// The app's call tree merged over the query's range and series; nil
    /// when the app is unknown.
    func queryTree(_ query: AppQuery) async throws -> LoadedTree?
    /// The same tree by merging every profile of the range one by one (the
    /// benchmarks' baseline for the rollups).
    func queryTreeNaively(_ query: AppQuery) async throws -> LoadedTree?
    func appExists(_ name: String) async throws -> Bool
    /// Samples per `step` seconds (a multiple of 60); nil when the app is unknown.
    func timeline(_ query: AppQuery, step: Int64) async throws -> [TimelinePoint]?
    /// Label names and the values seen in the range; nil when the app is unknown.
    func labels(app: String, from: Double, until: Double) async throws -> [String: [String]]?
    /// The label names the app's series carry; nil when the app is unknown.
    func labelNames(app: String) async throws -> Set<String>?

    // MARK: rollups and retention

    /// Adds profiles stored since the last pass to the rollups (at most
    /// `batch`), then builds closed coarse buckets; returns the profiles added.
    @discardableResult func rollUp(batch: Int) async throws -> Int
    /// Removes profiles that started before the minute holding `cutoff`,
    /// and their rollups; returns how many profiles.
    @discardableResult func removeData(before cutoff: Double, chunk: Int) async throws -> Int
    /// Removes sessions created before `cutoff` that are over; returns how many.
    @discardableResult func removeSessions(before cutoff: Double, now: Double, chunk: Int) async throws -> Int
    /// How far the rollups are, for benchmarks and tests.
    func rollupProgress() async throws -> RollupProgress
    /// Where the bytes go, for the benchmarks.
    func storageStats() async throws -> StorageStats

    // MARK: targeted sessions

    func createSession(app: String, spec: SessionSpec, now: Double) async throws -> SessionSummary
    func session(id: Int64, now: Double) async throws -> SessionSummary?
    func session(shareToken: String, now: Double) async throws -> SessionSummary?
    /// The app's sessions, newest first; empty when the app is unknown.
    func listSessions(app: String, limit: Int, now: Double) async throws -> [SessionSummary]
    func stopSession(id: Int64, now: Double) async throws -> SessionSummary?
    /// Writes the expiry of running sessions past their deadline; returns how many.
    @discardableResult func expireSessions(now: Double) async throws -> Int
    /// Stores one request of a session and counts it exactly once, across
    /// every server process on the store.
    func addSessionRequest(
        session id: Int64, tags: SessionRequestTags, profile: Profile, now: Double
    ) async throws
        -> SessionRequestOutcome
    /// The session's requests, slowest first.
    func sessionRequests(session id: Int64) async throws -> [SessionRequestSummary]
    func sessionTree(id: Int64) async throws -> LoadedTree?
    func sessionRequestTree(id: Int64, request: String) async throws -> LoadedTree?

    // MARK: shares

    func share(_ query: AppQuery, expiresAt: Double?, now: Double) async throws -> SharedQuery?
    func sharedQuery(token: String, now: Double) async throws -> SharedQuery?
    func listSharedQueries() async throws -> [SharedQuery]
    func shareComparison(sides: String, expiresAt: Double?, now: Double) async throws -> SharedComparison
    func sharedComparison(token: String, now: Double) async throws -> SharedComparison?
    func listSharedComparisons() async throws -> [SharedComparison]
    /// Ends a share link of any kind; nil when no link has this token.
    func revokeShare(token: String) async throws -> RevokedShare?

    // MARK: keys and settings

    func createKey(scope: KeyScope, apps: [String], name: String?, now: Double) async throws -> (key: APIKey, secret: String)
    /// Every key, revoked ones included, oldest first.
    func listKeys() async throws -> [APIKey]
    func revokeKey(id: Int64, now: Double) async throws -> Bool
    /// The keys not revoked, with their hashes.
    func activeKeyCredentials() async throws -> [KeyCredential]
    func markKeysUsed(_ ids: [Int64], at now: Double) async throws
    /// The app's own packages; nil when the app is unknown.
    func myPackages(app: String) async throws -> [String]?
    /// False when the app is unknown.
    func setMyPackages(app: String, _ names: [String]) async throws -> Bool

    // MARK: browser sign-ins

    /// Keeps a browser sign-in (the hash of its cookie's token, never the
    /// token), so that every server process on the store honours it; drops
    /// sign-ins past their end on the way.
    func startSignIn(tokenHash: [UInt8], keyID: Int64, expiresAt: Double, now: Double) async throws
    /// The key a live sign-in was made with; nil when unknown, ended or past its end.
    func signInKeyID(tokenHash: [UInt8], now: Double) async throws -> Int64?
    func endSignIn(tokenHash: [UInt8]) async throws

    // MARK: copying between stores

    /// A page of one table's rows: those whose `StoreTable.cursor` is among
    /// the next `limit` values after `after`, in cursor order.
    func copyRows(table: StoreTable, after: Int64, limit: Int) async throws -> CopyPage
    /// Inserts rows read from another store, ids kept.
    func insertCopiedRows(table: StoreTable, _ rows: [StoreRow]) async throws
    /// Rows per table: `treering copy` refuses a target that is not empty.
    func rowCounts() async throws -> [StoreTable: Int]
    /// Lets the store's own id counters continue after copied ids.
    func finishCopy() async throws

    /// Lets go of connections and background work.
    func close() async throws
}

extension ProfileStore {
    public func saveProfile(_ profile: Profile, now: Double = Date().timeIntervalSince1970) async throws -> ProfileSummary {
        try await saveProfiles([profile], now: now)[0]
    }
    public func saveProfiles(_ profiles: [Profile]) async throws -> [ProfileSummary] {
        try await saveProfiles(profiles, now: Date().timeIntervalSince1970)
    }
    public func listProfiles(app: String? = nil, limit: Int = 50) async throws -> [ProfileSummary] {
        try await listProfiles(app: app, limit: limit, before: nil)
    }
    public func profileTree(id: Int64) async throws -> LoadedTree? { try await profileTree(id: id, byThread: false) }
    @discardableResult public func rollUp() async throws -> Int { try await rollUp(batch: 1_000) }
    @discardableResult public func removeData(before cutoff: Double) async throws -> Int {
        try await removeData(before: cutoff, chunk: 500)
    }
    @discardableResult public func removeSessions(
        before cutoff: Double, now: Double = Date().timeIntervalSince1970
    ) async throws
        -> Int
    {
        try await removeSessions(before: cutoff, now: now, chunk: 50)
    }
    public func createSession(app: String, spec: SessionSpec) async throws -> SessionSummary {
        try await createSession(app: app, spec: spec, now: Date().timeIntervalSince1970)
    }
    public func session(id: Int64) async throws -> SessionSummary? { try await session(id: id, now: Date().timeIntervalSince1970) }
    public func session(shareToken: String) async throws -> SessionSummary? {
        try await session(shareToken: shareToken, now: Date().timeIntervalSince1970)
    }
    public func listSessions(app: String, limit: Int = 100) async throws -> [SessionSummary] {
        try await listSessions(app: app, limit: limit, now: Date().timeIntervalSince1970)
    }
    public func stopSession(id: Int64) async throws -> SessionSummary? { try await stopSession(id: id, now: Date().timeIntervalSince1970) }
    @discardableResult public func expireSessions() async throws -> Int { try await expireSessions(now: Date().timeIntervalSince1970) }
    public func addSessionRequest(session id: Int64, tags: SessionRequestTags, profile: Profile) async throws -> SessionRequestOutcome {
        try await addSessionRequest(session: id, tags: tags, profile: profile, now: Date().timeIntervalSince1970)
    }
    public func share(_ query: AppQuery, expiresAt: Double? = nil) async throws -> SharedQuery? {
        try await share(query, expiresAt: expiresAt, now: Date().timeIntervalSince1970)
    }
    public func sharedQuery(token: String) async throws -> SharedQuery? {
        try await sharedQuery(token: token, now: Date().timeIntervalSince1970)
    }
    public func shareComparison(sides: String, expiresAt: Double? = nil) async throws -> SharedComparison {
        try await shareComparison(sides: sides, expiresAt: expiresAt, now: Date().timeIntervalSince1970)
    }
    public func sharedComparison(token: String) async throws -> SharedComparison? {
        try await sharedComparison(token: token, now: Date().timeIntervalSince1970)
    }
    public func createKey(scope: KeyScope, apps: [String] = [], name: String? = nil) async throws -> (key: APIKey, secret: String) {
        try await createKey(scope: scope, apps: apps, name: name, now: Date().timeIntervalSince1970)
    }
    public func revokeKey(id: Int64) async throws -> Bool { try await revokeKey(id: id, now: Date().timeIntervalSince1970) }
}
