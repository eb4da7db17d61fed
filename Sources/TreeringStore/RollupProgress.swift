/// How far the rollups are: what the benchmarks wait for.
public struct RollupProgress: Sendable {
    /// The newest profile id the rollups hold.
    public var rolledUpTo: Int64
    /// The newest profile id stored.
    public var newestProfile: Int64

    public init(rolledUpTo: Int64, newestProfile: Int64) {
        self.rolledUpTo = rolledUpTo
        self.newestProfile = newestProfile
    }
}
