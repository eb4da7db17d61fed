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

extension ProfileMetadata {
    /// The longest sampling interval an upload may claim: an hour.
    public static let maxIntervalMs: Double = 3_600_000

    /// `interval_ms` as every upload path checks it: more than 0, at most an hour.
    public static func checkInterval(_ ms: Double, path: String) throws(InputError) {
        guard ms.isFinite, ms > 0, ms <= maxIntervalMs else {
            throw InputError.invalid(path, "must be > 0 and at most \(Int(maxIntervalMs)) (an hour) (got \(ms))")
        }
    }
}
