import Foundation

/// Series ids already in the database, per app and label set (canonical
/// JSON), so a steady agent's uploads skip the lookup. A series row is
/// never changed or deleted, so an id once committed is right in every
/// process. Filled only after a commit; past `limit` ids it starts over.
final class SeriesIDCache: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [Int64: [String: Int64]] = [:]
    private var count = 0
    let limit: Int

    init(limit: Int = 100_000) {
        self.limit = limit
    }

    /// The id of every label set, or nil unless all are known.
    func lookupAll(app: Int64, _ labels: [String]) -> [Int64]? {
        lock.withLock {
            guard let known = ids[app] else { return nil }
            var found: [Int64] = []
            found.reserveCapacity(labels.count)
            for label in labels {
                guard let id = known[label] else { return nil }
                found.append(id)
            }
            return found
        }
    }

    func remember(app: Int64, _ pairs: [String: Int64]) {
        guard !pairs.isEmpty else { return }
        lock.withLock {
            if count + pairs.count > limit {
                ids.removeAll()
                count = 0
            }
            let before = ids[app]?.count ?? 0
            ids[app, default: [:]].merge(pairs) { _, new in new }
            count += (ids[app]?.count ?? 0) - before
        }
    }
}
