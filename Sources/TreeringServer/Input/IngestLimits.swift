import TreeringCore

/// Limits on one upload at the HTTP edge, beside the format's own limits.
public struct IngestLimits: Sendable, Equatable {
    /// The body as sent (compressed or not).
    public var maxBodyBytes: Int = 16 * 1024 * 1024
    /// The body after gzip; reading stops as soon as it is passed.
    public var maxDecompressedBytes: Int = 128 * 1024 * 1024
    /// A refused body is read and dropped up to this many bytes, so that a
    /// client that sends it whole before reading sees the 413; a larger one
    /// is cut off by closing the connection.
    public var maxDrainBytes: Int = 64 * 1024 * 1024
    /// Seconds a body may take to arrive (a slow client holds a connection).
    public var bodyTimeoutSeconds: Double = 120
    public var profile: ProfileLimits = .default

    public init() {}

    public static let `default` = IngestLimits()
}
