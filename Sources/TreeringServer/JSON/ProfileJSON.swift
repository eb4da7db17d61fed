import Hummingbird
import TreeringStore

/// A profile's metadata as the API answers it.
struct ProfileJSON: ResponseEncodable {
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
        url = Links.profilePage(p.id)
        shareURL = Links.sharedProfilePage(p.shareToken)
        createdAt = p.createdAt
    }
}
