import TreeringCore

/// A stored profile's metadata, as lists and the profile page show it.
public struct ProfileSummary: Sendable, Equatable, Codable {
    public var id: Int64
    public var shareToken: String
    public var metadata: ProfileMetadata
    public var threads: [String]
    public var samples: Int64
    public var stacks: Int
    public var createdAt: Double

    public init(
        id: Int64, shareToken: String, metadata: ProfileMetadata, threads: [String], samples: Int64, stacks: Int,
        createdAt: Double
    ) {
        self.id = id
        self.shareToken = shareToken
        self.metadata = metadata
        self.threads = threads
        self.samples = samples
        self.stacks = stacks
        self.createdAt = createdAt
    }
}
