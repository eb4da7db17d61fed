/// The running sessions, in memory: agents ask for them every couple of
/// seconds and every upload answer carries them, so they are served without
/// a database read. The store updates it after each commit that opens or
/// closes a session; entries past their deadline are left out on read and
/// dropped when the expiry is written.
public actor ActiveSessionCache {
    private var byApp: [String: [ActiveSession]] = [:]

    package init(_ sessions: [ActiveSession]) {
        for s in sessions { byApp[s.app, default: []].append(s) }
    }

    /// The app's running sessions, oldest first.
    public func active(app: String, now: Double) -> [ActiveSession] {
        (byApp[app] ?? []).filter { now < $0.until }
    }

    package func add(_ session: ActiveSession) {
        byApp[session.app, default: []].removeAll { $0.id == session.id }
        byApp[session.app, default: []].append(session)
        byApp[session.app]?.sort { $0.id < $1.id }
    }

    package func remove(_ ids: some Sequence<Int64>) {
        let gone = Set(ids)
        guard !gone.isEmpty else { return }
        for app in Array(byApp.keys) {
            byApp[app]?.removeAll { gone.contains($0.id) }
            if byApp[app]?.isEmpty == true { byApp[app] = nil }
        }
    }

    /// Ids of sessions whose deadline has passed (their expiry is not yet written).
    package func expired(now: Double) -> [Int64] {
        byApp.values.flatMap { $0.filter { now >= $0.until }.map(\.id) }
    }

    /// Replaces the whole cache with the store's running sessions: how a
    /// process learns of sessions opened or closed by another process.
    package func replaceAll(_ sessions: [ActiveSession]) {
        byApp = [:]
        for s in sessions { byApp[s.app, default: []].append(s) }
    }
}
