/// Label sets interned to dense ids, as `FrameTable` does for frames: every
/// parser gives equal labels one id, so their samples form one series.
public struct LabelTable: Sendable {
    public private(set) var labels: [SampleLabels] = []
    private var ids: [SampleLabels: Int32] = [:]

    public init() {}

    /// The id of `labels`, adding them when they are new.
    public mutating func intern(_ labels: SampleLabels) -> Int32 {
        if let id = ids[labels] { return id }
        let id = Int32(self.labels.count)
        self.labels.append(labels)
        ids[labels] = id
        return id
    }
}
