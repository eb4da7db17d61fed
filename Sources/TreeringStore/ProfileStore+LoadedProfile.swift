import Foundation
import TreeringCore

extension ProfileStore {
    /// A profile's stored trees (one per series) as the tree the API serves:
    /// merged, by thread when asked (`ProfileTrees`), with the frames they name.
    package func loadedProfile(_ rows: [(labels: String, blob: Data)], byThread: Bool, intervalMs: Double) async throws -> LoadedTree {
        let (merged, threadFrames) = try ProfileTrees.merge(rows, byThread: byThread)
        var frames = try await frames(ids: merged.usedFrames.filter { $0 >= 0 })
        frames.merge(threadFrames) { stored, _ in stored }
        return LoadedTree(tree: merged, frames: frames, intervalMs: intervalMs)
    }
}
