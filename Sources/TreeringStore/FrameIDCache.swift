import Foundation
import TreeringCore

/// Frame ids already in the database, per app, so that a steady stream of
/// uploads over the same code interns its frames without a query each, and
/// app ids by name. Bounded as `AppScopedIDCache` is (200,000 frames by
/// default), so a stream of never-repeating frame names cannot grow it.
package final class FrameIDCache: @unchecked Sendable {
    private let lock = NSLock()
    private var apps: [String: Int64] = [:]
    private let frames: AppScopedIDCache<Frame, Int32>

    package init(limit: Int = 200_000) {
        frames = AppScopedIDCache(limit: limit)
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
        self.frames.lookupAll(app: app, frames)
    }

    package func lookup(app: Int64, _ frames: [Frame]) -> [Int32?] {
        self.frames.lookup(app: app, frames)
    }

    package func remember(app: Int64, _ pairs: [(frame: Frame, id: Int32)]) {
        frames.remember(app: app, pairs.map { ($0.frame, $0.id) })
    }

    /// Frames held, for tests and the soak benchmark.
    package var count: Int { frames.count }

    package func forget(app: Int64) {
        frames.forget(app: app)
        lock.withLock { apps = apps.filter { $0.value != app } }
    }
}
