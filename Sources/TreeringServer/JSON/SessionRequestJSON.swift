import TreeringStore

/// One recorded request in a session's `requests_list`.
struct SessionRequestJSON: Encodable {
    var request: String
    var wallMs: Double
    var samples: Int64
    var host: String?
    var threads: [String]
    var receivedAt: Double
    var treeURL: String

    enum CodingKeys: String, CodingKey {
        case request, samples, host, threads
        case wallMs = "wall_ms"
        case receivedAt = "received_at"
        case treeURL = "tree_url"
    }

    init(_ r: SessionRequestSummary, session: Int64) {
        request = r.request
        wallMs = r.wallMs
        samples = r.samples
        host = r.host
        threads = r.threads
        receivedAt = r.receivedAt
        treeURL = "/api/v1/sessions/\(session)/requests/\(AppQueryParameters.escape(r.request))/tree"
    }
}
