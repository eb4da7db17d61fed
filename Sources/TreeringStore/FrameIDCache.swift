import Foundation
import TreeringCore

/// Frame ids already in the database, per app, so that a steady stream of
/// uploads over the same code interns its frames without a query each.
/// Filled only after a commit, so it never holds an id that was rolled back.
final class FrameIDCache: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [Int64: [Frame: Int32]] = [:]
    private var apps: [String: Int64] = [:]

    /// The id of the app with this name, once a commit has stored it.
    func appID(named name: String) -> Int64? {
        lock.withLock { apps[name] }
    }

    func remember(app: Int64, named name: String) {
        lock.withLock { apps[name] = app }
    }

    /// The stored id of every frame, or nil unless all are known.
    func lookupAll(app: Int64, _ frames: [Frame]) -> [Int32]? {
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

    func lookup(app: Int64, _ frames: [Frame]) -> [Int32?] {
        lock.withLock {
            let known = ids[app] ?? [:]
            return frames.map { known[$0] }
        }
    }

    func remember(app: Int64, _ pairs: [(frame: Frame, id: Int32)]) {
        guard !pairs.isEmpty else { return }
        lock.withLock {
            for (frame, id) in pairs { ids[app, default: [:]][frame] = id }
        }
    }

    func forget(app: Int64) {
        lock.withLock {
            _ = ids.removeValue(forKey: app)
            apps = apps.filter { $0.value != app }
        }
    }
}
