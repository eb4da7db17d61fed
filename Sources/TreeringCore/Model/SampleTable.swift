/// Weighted stacks stored flat: one array of frame ids for all stacks, with
/// an end offset per sample. A million samples are a handful of arrays, not a
/// million small ones.
public struct SampleTable: Sendable {
    /// Frame ids of every stack, root first, one stack after another.
    public private(set) var frameIDs: [Int32] = []
    /// `frameIDs[stackEnds[i-1]..<stackEnds[i]]` is sample i's stack.
    public private(set) var stackEnds: [Int] = []
    public private(set) var counts: [Int64] = []
    /// Index into the profile's `labels`.
    public private(set) var labelIDs: [Int32] = []

    public init() {}

    public var count: Int { counts.count }

    public var totalCount: Int64 { counts.reduce(into: 0) { $0.addSaturating($1) } }

    public func stack(_ i: Int) -> ArraySlice<Int32> {
        frameIDs[(i == 0 ? 0 : stackEnds[i - 1])..<stackEnds[i]]
    }

    public mutating func reserve(samples: Int, frames: Int) {
        frameIDs.reserveCapacity(frames)
        stackEnds.reserveCapacity(samples)
        counts.reserveCapacity(samples)
        labelIDs.reserveCapacity(samples)
    }

    public mutating func append(stack: some Sequence<Int32>, count: Int64, labelID: Int32) {
        frameIDs.append(contentsOf: stack)
        stackEnds.append(frameIDs.count)
        counts.append(count)
        labelIDs.append(labelID)
    }

    /// Appends one frame id to the stack being built; `endSample` closes it.
    /// Lets parsers write straight into the table without a temporary array.
    public mutating func appendFrame(_ id: Int32) { frameIDs.append(id) }

    public mutating func endSample(count: Int64, labelID: Int32) {
        stackEnds.append(frameIDs.count)
        counts.append(count)
        labelIDs.append(labelID)
    }

    /// Drops frames appended since the last `endSample` (a refused sample).
    public mutating func discardOpenSample() {
        frameIDs.removeLast(frameIDs.count - (stackEnds.last ?? 0))
    }

    /// Rewrites every frame id through `map` (after frames were deduplicated).
    public mutating func remapFrames(_ map: [Int32]) {
        for i in frameIDs.indices { frameIDs[i] = map[Int(frameIDs[i])] }
    }
}
