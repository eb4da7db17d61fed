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

    init(_ r: SessionRequestSummary, session: String) {
        request = r.request
        wallMs = r.wallMs
        samples = r.samples
        host = r.host
        threads = r.threads
        receivedAt = r.receivedAt
        treeURL = Links.sessionRequestTreeAPI(session, request: r.request)
    }
}
