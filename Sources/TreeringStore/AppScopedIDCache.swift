import Foundation

/// Database ids of rows that never change once committed (frames, series),
/// per app, so a steady stream of uploads finds them without a query.
/// Filled only after a commit, so it never holds an id that was rolled back.
/// Bounded: past `limit` ids in all, the app being added to is forgotten
/// first, then every app (they are looked up again from the database, once),
/// so keys an agent never repeats cannot grow it without end.
package final class AppScopedIDCache<Key: Hashable, ID>: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [Int64: [Key: ID]] = [:]
    private var held = 0
    package let limit: Int

    package init(limit: Int) {
        self.limit = limit
    }

    /// The id of every key, or nil unless all are known.
    package func lookupAll(app: Int64, _ keys: [Key]) -> [ID]? {
        lock.withLock {
            guard let known = ids[app] else { return keys.isEmpty ? [] : nil }
            var found: [ID] = []
            found.reserveCapacity(keys.count)
            for key in keys {
                guard let id = known[key] else { return nil }
                found.append(id)
            }
            return found
        }
    }

    package func lookup(app: Int64, _ keys: [Key]) -> [ID?] {
        lock.withLock {
            let known = ids[app] ?? [:]
            return keys.map { known[$0] }
        }
    }

    package func remember(app: Int64, _ pairs: [(Key, ID)]) {
        guard !pairs.isEmpty else { return }
        lock.withLock {
            if held + pairs.count > limit {
                held -= ids.removeValue(forKey: app)?.count ?? 0
                if held + pairs.count > limit {
                    ids.removeAll()
                    held = 0
                }
            }
            var known = ids.removeValue(forKey: app) ?? [:]
            let before = known.count
            for (key, id) in pairs { known[key] = id }
            held += known.count - before
            ids[app] = known
        }
    }

    /// Ids held, for tests and the soak benchmark.
    package var count: Int { lock.withLock { held } }

    package func forget(app: Int64) {
        lock.withLock { held -= ids.removeValue(forKey: app)?.count ?? 0 }
    }
}
