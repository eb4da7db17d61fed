/// How a time range `[from, until)` is read from stored rollups: whole
/// buckets of the coarsest resolution that fits, finer ones toward the
/// edges, and what is left (less than the finest bucket) from raw uploads.
/// A day not aligned to midnight becomes ~23 hours, a few 10-minute and
/// minute buckets, and two raw slivers: about fifty reads, not thousands.
///
/// Minute buckets grow as uploads arrive; a coarser bucket is built once,
/// from the finer ones, after it has closed (see `closedEnd`), so a rollup
/// pass never rewrites the big hour and day trees. Until then a plan reads
/// the finer buckets in its place.
public struct RollupPlan: Equatable, Sendable {
    /// Bucket sizes in seconds, finest first. Buckets start at multiples of
    /// their size (UTC), so a coarser bucket is exactly a run of finer ones.
    public static let resolutions: [Int64] = [60, 600, 3_600, 86_400]

    /// How long after a bucket's end uploads for it may still arrive before
    /// it is built: an agent sends a slice about its length after the
    /// slice's start. Later uploads are still counted (added to the built rows).
    public static let closeGrace: Double = 120

    /// Buckets of `resolution` that end at or before this time are closed,
    /// given the newest upload start rolled up so far.
    public static func closedEnd(newestStart: Double, resolution: Int64) -> Int64 {
        floor(newestStart - closeGrace, resolution)
    }

    /// `count` consecutive buckets of one resolution starting at `start`.
    public struct Run: Equatable, Sendable {
        public var resolution: Int64
        public var start: Int64
        public var count: Int64
        public var end: Int64 { start + resolution * count }
    }

    /// A part of the range covered by no whole bucket: `[from, until)`.
    public struct Sliver: Equatable, Sendable {
        public var from: Double
        public var until: Double
    }

    public var runs: [Run] = []
    public var slivers: [Sliver] = []

    /// Coarse buckets of resolution r are read only when they end at or
    /// before `builtThrough[r]` (a multiple of r); a resolution missing from
    /// it is read wherever it fits.
    private var builtThrough: [Int64: Int64] = [:]

    public init(from: Double, until: Double, resolutions: [Int64] = RollupPlan.resolutions, builtThrough: [Int64: Int64] = [:]) {
        guard from < until else { return }
        self.builtThrough = builtThrough
        cover(from, until, Array(resolutions.sorted().reversed())[...])
        runs.sort { ($0.start, $0.resolution) < ($1.start, $1.resolution) }
        slivers.sort { $0.from < $1.from }
    }

    /// Buckets read in all.
    public var bucketCount: Int64 { runs.reduce(0) { $0 + $1.count } }

    private mutating func cover(_ from: Double, _ until: Double, _ levels: ArraySlice<Int64>) {
        guard from < until else { return }
        guard let size = levels.first else {
            slivers.append(Sliver(from: from, until: until))
            return
        }
        let first = Self.ceil(from, size)
        var last = Self.floor(until, size)
        if let built = builtThrough[size] { last = min(last, built) }
        guard first < last else {
            cover(from, until, levels.dropFirst())
            return
        }
        runs.append(Run(resolution: size, start: first, count: (last - first) / size))
        cover(from, Double(first), levels.dropFirst())
        cover(Double(last), until, levels.dropFirst())
    }

    /// The start of the bucket of `size` seconds holding time `t`.
    /// Times are checked where they are read (`UnixTime`); the clamp only
    /// keeps this a total function, so a time that got past a check cannot trap.
    public static func floor(_ t: Double, _ size: Int64) -> Int64 {
        Int64((clamped(t) / Double(size)).rounded(.down)) * size
    }

    static func ceil(_ t: Double, _ size: Int64) -> Int64 {
        Int64((clamped(t) / Double(size)).rounded(.up)) * size
    }

    private static func clamped(_ t: Double) -> Double {
        t.isNaN ? 0 : Swift.min(Swift.max(t, -1e15), 1e15)
    }
}
