import TreeringCore

/// Limits on one upload at the HTTP edge, beside the format's own limits.
public struct IngestLimits: Sendable, Equatable {
    /// The body as sent (compressed or not).
    public var maxBodyBytes: Int = 16 * 1024 * 1024
    /// The body after gzip; reading stops as soon as it is passed.
    public var maxDecompressedBytes: Int = 128 * 1024 * 1024
    public var profile: ProfileLimits = .default

    public init() {}

    public static let `default` = IngestLimits()
}
