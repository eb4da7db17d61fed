/// An app that has sent profiles.
public struct AppSummary: Sendable, Equatable, Codable {
    public var name: String
    public var profiles: Int
    public var samples: Int64
    public var firstSeen: Double
    public var lastSeen: Double
    public var hosts: [String]

    public init(name: String, profiles: Int, samples: Int64, firstSeen: Double, lastSeen: Double, hosts: [String]) {
        self.name = name
        self.profiles = profiles
        self.samples = samples
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.hosts = hosts
    }
}
