import Foundation
import TreeringCore

/// Everything one rollup pass needs, read in one snapshot.
package struct RollupBatch {
    package var from: Int64
    package var to: Int64
    package var version: Int64
    package var profiles: Int
    /// (app, series, profile start, tree blob) of each new profile tree.
    package var trees: [(app: Int64, series: Int64, start: Double, blob: Data)]
    /// The stored rows those trees will be added to.
    package var existing: [RollupKey: Data]
    /// Per coarse resolution, the end of its built buckets.
    package var built: [Int64: Int64]

    /// The rows a profile starting at `start` is added to: its minute, and
    /// each coarser bucket only once built (before, it is built from minutes).
    package func resolutions(for start: Double) -> [Int64] {
        RollupPlan.resolutions.filter { r in
            built[r].map { RollupPlan.floor(start, r) + r <= $0 } ?? true
        }
    }

    /// The rows one profile tree goes into: at each of those
    /// resolutions, its own series' row and the app's `*` row.
    package func keys(for tree: (app: Int64, series: Int64, start: Double, blob: Data)) -> [RollupKey] {
        resolutions(for: tree.start).flatMap { resolution in
            let bucket = RollupPlan.floor(tree.start, resolution)
            return [
                RollupKey(series: .one(tree.series), resolution: resolution, bucket: bucket),
                RollupKey(series: .all(app: tree.app), resolution: resolution, bucket: bucket),
            ]
        }
    }

    package init(
        from: Int64, to: Int64, version: Int64, profiles: Int, trees: [(app: Int64, series: Int64, start: Double, blob: Data)],
        existing: [RollupKey: Data], built: [Int64: Int64]
    ) {
        self.from = from
        self.to = to
        self.version = version
        self.profiles = profiles
        self.trees = trees
        self.existing = existing
        self.built = built
    }

    /// The new rows: the stored rows (first: they are the largest, and set
    /// the node order the rest mostly follows), then each profile's tree
    /// added to its minute row and to the built coarser rows it falls in.
    package func merged() throws -> [RollupKey: CallTree] {
        var all: [RollupKey: TreeMerger] = [:]
        for (key, blob) in existing {
            try all[key, default: TreeMerger()].add(blob)
        }
        for t in trees {
            for key in keys(for: t) { try all[key, default: TreeMerger()].add(t.blob) }
        }
        return all.mapValues { $0.finish() }
    }
}
