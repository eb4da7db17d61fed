import Foundation
import TreeringCore

/// Frame ids already in the database, per app, so that a steady stream of
/// uploads over the same code interns its frames without a query each.
/// Filled only after a commit, so it never holds an id that was rolled back.
/// Bounded: past `limit` frames in all, an app's frames are forgotten before
/// new ones are added (they are looked up again from the database, once),
/// so a stream of never-repeating frame names cannot grow it without end.
package final class FrameIDCache: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [Int64: [Frame: Int32]] = [:]
    private var apps: [String: Int64] = [:]
    private var frameCount = 0
    package let limit: Int

    package init(limit: Int = 200_000) {
        self.limit = limit
    }

    /// The id of the app with this name, once a commit has stored it.
    package func appID(named name: String) -> Int64? {
        lock.withLock { apps[name] }
    }

    package func remember(app: Int64, named name: String) {
        lock.withLock { apps[name] = app }
    }

    /// The stored id of every frame, or nil unless all are known.
    package func lookupAll(app: Int64, _ frames: [Frame]) -> [Int32]? {
        lock.withLock {
            guard let known = ids[app] else { return frames.isEmpty ? [] : nil }
            var map: [Int32] = []
            map.reserveCapacity(frames.count)
            for frame in frames {
                guard let id = known[frame] else { return nil }
                map.append(id)
            }
            return map
        }
    }

    package func lookup(app: Int64, _ frames: [Frame]) -> [Int32?] {
        lock.withLock {
            let known = ids[app] ?? [:]
            return frames.map { known[$0] }
        }
    }

    package func remember(app: Int64, _ pairs: [(frame: Frame, id: Int32)]) {
        guard !pairs.isEmpty else { return }
        lock.withLock {
            if frameCount + pairs.count > limit {
                // This app's frames go first; if that is not enough, every app's.
                frameCount -= ids.removeValue(forKey: app)?.count ?? 0
                if frameCount + pairs.count > limit {
                    ids.removeAll()
                    frameCount = 0
                }
            }
            var known = ids.removeValue(forKey: app) ?? [:]
            let before = known.count
            for (frame, id) in pairs { known[frame] = id }
            frameCount += known.count - before
            ids[app] = known
        }
    }

    /// Frames held, for tests and the soak benchmark.
    package var count: Int { lock.withLock { frameCount } }

    package func forget(app: Int64) {
        lock.withLock {
            frameCount -= ids.removeValue(forKey: app)?.count ?? 0
            apps = apps.filter { $0.value != app }
        }
    }
}
