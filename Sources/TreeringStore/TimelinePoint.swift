/// One step of an app's timeline: the samples whose profiles started in
/// `[start, start + step)`.
public struct TimelinePoint: Sendable, Equatable {
    public var start: Int64
    public var samples: Int64

    public init(start: Int64, samples: Int64) {
        self.start = start
        self.samples = samples
    }
}
