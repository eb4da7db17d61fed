import Foundation
import TreeringCore

/// Frame ids already in the database, per app, so that a steady stream of
/// uploads over the same code interns its frames without a query each.
/// Filled only after a commit, so it never holds an id that was rolled back.
final class FrameIDCache: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [Int64: [Frame: Int32]] = [:]

    func lookup(app: Int64, _ frames: [Frame]) -> [Int32?] {
        lock.withLock {
            let known = ids[app] ?? [:]
            return frames.map { known[$0] }
        }
    }

    func remember(app: Int64, _ pairs: [(Frame, Int32)]) {
        guard !pairs.isEmpty else { return }
        lock.withLock {
            for (frame, id) in pairs { ids[app, default: [:]][frame] = id }
        }
    }

    func forget(app: Int64) {
        lock.withLock { _ = ids.removeValue(forKey: app) }
    }
}
