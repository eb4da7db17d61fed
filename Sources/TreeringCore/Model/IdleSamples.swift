/// Turns an agent's idle bookkeeping into `(idle)` frames, so that idle
/// samples travel through trees, rollups and queries like any other and the
/// dashboard can set them apart (issue 20's "idle apart").
///
/// - Under the `cpu` clock the agent leaves idle samples out and says how
///   many in the `treering.idle_samples` upload tag: they become one stack of
///   a single `(idle)` frame with that count, with no thread and no tags.
/// - Under the `wall` clock idle samples are kept and tagged `state=idle`:
///   an `(idle)` leaf is appended to their stacks, so where they wait stays
///   visible and they can still be told apart.
///
/// The tag is the agent's own measurement, not input to check: a value that
/// is not a whole number from 1 to the per-sample count limit is ignored.
public enum IdleSamples {
    public static let frame = Frame(name: "(idle)")
    public static let countTag = "treering.idle_samples"
    public static let clockTag = "treering.clock"
    public static let stateTag = SampleLabels.Tag(key: "state", value: "idle")

    public static func mark(_ profile: Profile, limits: ProfileLimits) -> Profile {
        let metadata = profile.metadata
        let leftOut: Int64? =
            metadata.tags[clockTag] == "wall"
            ? nil : metadata.tags[countTag].flatMap { Int64($0) }.flatMap { (1...limits.maxCount).contains($0) ? $0 : nil }
        let taggedIdle = profile.labels.map { $0.tags.contains(stateTag) }
        guard leftOut != nil || taggedIdle.contains(true) else { return profile }

        var frames = profile.frames
        let idle = frames.intern(frame)
        var labels = LabelTable()
        for label in profile.labels { _ = labels.intern(label) }
        var samples = SampleTable()
        samples.reserve(samples: profile.samples.count + 1, frames: profile.samples.frameIDs.count + 1)
        for i in 0..<profile.samples.count {
            let labelID = profile.samples.labelIDs[i]
            let stack = profile.samples.stack(i)
            if taggedIdle[Int(labelID)] {
                samples.append(stack: stack + [idle], count: profile.samples.counts[i], labelID: labelID)
            } else {
                samples.append(stack: stack, count: profile.samples.counts[i], labelID: labelID)
            }
        }
        if let leftOut {
            samples.append(stack: [idle], count: leftOut, labelID: labels.intern(.none))
        }
        return Profile(metadata: metadata, frames: frames, labels: labels.labels, samples: samples)
    }
}
