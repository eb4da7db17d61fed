import Foundation
import TreeringCore

/// One profile's stored trees (one per series) merged into its call tree.
package enum ProfileTrees {
    /// With `byThread`, each thread becomes a root frame of its own, named
    /// after it, with a negative id (never a stored frame's); those frames
    /// come back beside the tree.
    package static func merge(_ rows: [(labels: String, blob: Data)], byThread: Bool) throws -> (CallTree, [Int32: Frame]) {
        var merged = CallTree()
        var threadFrames: [Int32: Frame] = [:]
        var threadRoots: [String: Int32] = [:]
        for (labels, blob) in rows {
            let tree = try TreeBlobCodec.decode([UInt8](blob))
            guard byThread else {
                merged.merge(tree)
                continue
            }
            let thread = SeriesLabels.decode(labels)["thread"] ?? "<unknown thread>"
            let frameID: Int32
            if let known = threadRoots[thread] {
                frameID = known
            } else {
                frameID = -2 - Int32(threadRoots.count)
                threadRoots[thread] = frameID
                threadFrames[frameID] = Frame(name: thread)
            }
            merged.merge(tree, under: merged.childCreating(of: 0, frame: frameID))
        }
        return (merged, threadFrames)
    }
}
