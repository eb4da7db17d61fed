import TreeringStore

/// A profile's metadata as the API answers it.
struct ProfileJSON: Encodable {
    var id: String
    var app: String
    var host: String?
    var pid: Int?
    var runtime: String?
    var agent: String?
    var start: Double
    var end: Double
    var intervalMs: Double
    var tags: [String: String]
    var samples: Int64
    var stacks: Int
    var threads: [String]
    var url: String
    var shareURL: String
    var createdAt: Double

    enum CodingKeys: String, CodingKey {
        case id, app, host, pid, runtime, agent, start, end, tags, samples, stacks, threads, url
        case intervalMs = "interval_ms"
        case shareURL = "share_url"
        case createdAt = "created_at"
    }

    init(_ p: ProfileSummary) {
        id = String(p.id)
        app = p.metadata.app
        host = p.metadata.host
        pid = p.metadata.pid
        runtime = p.metadata.runtime
        agent = p.metadata.agent
        start = p.metadata.start
        end = p.metadata.end
        intervalMs = p.metadata.intervalMs
        tags = p.metadata.tags
        samples = p.samples
        stacks = p.stacks
        threads = p.threads
        url = "/profiles/\(p.id)"
        shareURL = "/p/\(p.shareToken)"
        createdAt = p.createdAt
    }
}
