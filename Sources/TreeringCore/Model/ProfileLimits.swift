/// The server's limits on one upload. Each is a setting; these are the
/// defaults of the upload format page.
public struct ProfileLimits: Sendable, Equatable {
    public var maxFrames: Int = 1_000_000
    public var maxSamples: Int = 1_000_000
    public var maxStackDepth: Int = 1_024
    /// A name, a file, a tag key or value, in UTF-8 bytes.
    public var maxStringBytes: Int = 4_096
    public var maxTags: Int = 32
    /// One sample's count: large enough for any real profile, small enough
    /// that a million of them cannot overflow a 64-bit total.
    public var maxCount: Int64 = 1_000_000_000_000

    public init() {}

    public static let `default` = ProfileLimits()
}
