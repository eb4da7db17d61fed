/// One upload in memory, whatever format it came in: metadata, a frame
/// table, and weighted stacks with their labels. Every parser produces this.
public struct Profile: Sendable {
    public var metadata: ProfileMetadata
    public var frames: FrameTable
    public var labels: [SampleLabels]
    public var samples: SampleTable

    public init(metadata: ProfileMetadata, frames: FrameTable, labels: [SampleLabels], samples: SampleTable) {
        self.metadata = metadata
        self.frames = frames
        self.labels = labels
        self.samples = samples
    }

    /// One call tree per label set (thread and sample tags): the series this
    /// upload contributes to. Equal stacks merge here.
    public func treesByLabels() -> [(labels: SampleLabels, tree: CallTree)] {
        var trees = [CallTree](repeating: CallTree(), count: labels.count)
        for i in 0..<samples.count {
            trees[Int(samples.labelIDs[i])].add(stack: samples.stack(i), count: samples.counts[i])
        }
        return zip(labels, trees).filter { $0.1.totalCount > 0 }.map { ($0.0, $0.1) }
    }

    /// All samples merged into one call tree, across threads and tags.
    public func mergedTree() -> CallTree {
        var tree = CallTree()
        for i in 0..<samples.count {
            tree.add(stack: samples.stack(i), count: samples.counts[i])
        }
        return tree
    }

    /// Thread names seen, sorted.
    public var threads: [String] {
        Array(Set(labels.compactMap(\.thread))).sorted()
    }
}
