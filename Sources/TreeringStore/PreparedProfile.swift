import Foundation
import TreeringCore

/// What a profile becomes before the transaction: its trees per series,
/// their labels, and the row values.
package struct PreparedProfile {
    package var profile: Profile
    package var trees: [(labels: SampleLabels, tree: CallTree)]
    package var seriesLabels: [String]
    package var summary: ProfileSummary
    package var tagsJSON: String
    package var threadsJSON: String
    /// The app's id and each tree's blob, when every frame already had a stored id.
    package var stored: (appID: Int64, blobs: [Data])?

    package mutating func encodeIfFramesAreKnown(_ cache: FrameIDCache) {
        guard let appID = cache.appID(named: profile.metadata.app),
            let map = cache.lookupAll(app: appID, profile.frames.frames)
        else { return }
        stored = (appID, trees.map { Data(TreeBlobCodec.encode($0.tree, frameMap: map)) })
    }

    package init(_ profile: Profile, now: Double) throws {
        self.profile = profile
        trees = profile.treesByLabels()
        seriesLabels = trees.map {
            SeriesLabels.canonicalJSON(SeriesLabels.labels(metadata: profile.metadata, sample: $0.labels))
        }
        summary = ProfileSummary(
            id: 0, shareToken: ShareToken.make(), metadata: profile.metadata, threads: profile.threads,
            samples: profile.samples.totalCount, stacks: trees.reduce(0) { $0 + $1.tree.stackCount },
            createdAt: now)
        tagsJSON = SeriesLabels.canonicalJSON(profile.metadata.tags)
        threadsJSON = String(decoding: try JSONEncoder().encode(summary.threads), as: UTF8.self)
    }
}
