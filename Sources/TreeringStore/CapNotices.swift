import Foundation

/// The last cap each app ran into (series, label values, ...), so that the
/// app page and the apps list can say why uploads were refused. Kept in
/// memory: a restart forgets it, and the next refused upload records it again.
public final class CapNotices: @unchecked Sendable {
    public struct Notice: Sendable, Equatable {
        /// The setting, e.g. `max-series-per-app`.
        public var limit: String
        public var message: String
        /// Unix seconds of the last refusal.
        public var at: Double
        /// Refusals since the server started.
        public var count: Int
    }

    private let lock = NSLock()
    private var notices: [String: Notice] = [:]

    public init() {}

    package func record(app: String, limit: String, message: String, at: Double) {
        lock.withLock {
            var notice = notices[app] ?? Notice(limit: limit, message: message, at: at, count: 0)
            notice.limit = limit
            notice.message = message
            notice.at = at
            notice.count += 1
            notices[app] = notice
        }
    }

    /// The app's last notice, if any.
    public func latest(app: String) -> Notice? {
        lock.withLock { notices[app] }
    }
}
