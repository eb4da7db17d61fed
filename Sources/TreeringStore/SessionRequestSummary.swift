/// One request a session recorded.
public struct SessionRequestSummary: Sendable, Equatable {
    /// The agent's id for it, unique within the session.
    public var request: String
    public var wallMs: Double
    public var samples: Int64
    public var host: String?
    public var threads: [String]
    public var receivedAt: Double

    public init(request: String, wallMs: Double, samples: Int64, host: String?, threads: [String], receivedAt: Double) {
        self.request = request
        self.wallMs = wallMs
        self.samples = samples
        self.host = host
        self.threads = threads
        self.receivedAt = receivedAt
    }
}
