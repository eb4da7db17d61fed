/// What an upload says about itself, besides its stacks.
public struct ProfileMetadata: Sendable, Equatable, Codable {
    public var app: String
    public var host: String?
    public var pid: Int?
    public var runtime: String?
    public var agent: String?
    /// Unix seconds of the sampling window.
    public var start: Double
    public var end: Double
    /// Time shown for a node is its count times this interval.
    public var intervalMs: Double
    public var tags: [String: String]

    public init(
        app: String, host: String? = nil, pid: Int? = nil, runtime: String? = nil, agent: String? = nil,
        start: Double, end: Double, intervalMs: Double, tags: [String: String] = [:]
    ) {
        self.app = app
        self.host = host
        self.pid = pid
        self.runtime = runtime
        self.agent = agent
        self.start = start
        self.end = end
        self.intervalMs = intervalMs
        self.tags = tags
    }
}
