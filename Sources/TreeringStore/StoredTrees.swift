import Foundation
import TreeringCore

/// Stored tree blobs merged into one call tree.
package enum StoredTrees {
    /// Stored trees merged into one. A large query's trees are split in two
    /// halves of about equal bytes merged side by side (a query's time is
    /// almost all merging, and the machine has more than one core), then
    /// the smaller result is merged into the larger.
    package static func merge(_ blobs: [Data], parallelAbove bytes: Int = 4_000_000) async throws -> CallTree {
        func serially(_ part: [Data]) throws -> CallTree {
            var merger = TreeMerger()
            for blob in part { try merger.add(blob) }
            return merger.finish()
        }
        guard blobs.count > 1, blobs.reduce(0, { $0 + $1.count }) > bytes else { return try serially(blobs) }
        var halves: ([Data], [Data]) = ([], [])
        var weights = (0, 0)
        for blob in blobs.sorted(by: { $0.count > $1.count }) {
            if weights.0 <= weights.1 {
                halves.0.append(blob)
                weights.0 += blob.count
            } else {
                halves.1.append(blob)
                weights.1 += blob.count
            }
        }
        let (first, second) = halves
        async let a = serially(first)
        async let b = serially(second)
        var (big, small) = try await (a, b)
        if big.nodeCount < small.nodeCount { swap(&big, &small) }
        big.merge(small)
        return big
    }
}
