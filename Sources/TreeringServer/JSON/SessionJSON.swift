import Hummingbird
import TreeringStore

/// A session as the API answers it; with `requestsList` for the detail
/// answer. Times are Unix seconds; `closed_at` is null while running.
struct SessionJSON: ResponseEncodable {
    var id: Int64
    var app: String
    var transaction: String
    var requests: Int
    var count: Int
    var state: String
    var intervalMs: Double
    var timeLimitS: Double
    var createdAt: Double
    var until: Double
    var closedAt: Double?
    var url: String
    var shareURL: String
    var apiURL: String
    var treeURL: String
    var requestsList: [SessionRequestJSON]?

    /// `ref` is how the API was asked (the id, or the share token of a shared
    /// page); the API links use it, so a shared page needs no key.
    init(session s: SessionSummary, requestsList: [SessionRequestJSON]? = nil, ref: String? = nil) {
        let ref = ref ?? String(s.id)
        id = s.id
        app = s.app
        transaction = s.transaction
        requests = s.requestsWanted
        count = s.count
        state = s.state.rawValue
        intervalMs = s.intervalMs
        timeLimitS = s.timeLimitSeconds
        createdAt = s.createdAt
        until = s.until
        closedAt = s.closedAt
        url = Links.sessionPage(s.id)
        shareURL = Links.sharedSessionPage(s.shareToken)
        apiURL = Links.sessionAPI(ref)
        treeURL = Links.sessionTreeAPI(ref)
        self.requestsList = requestsList
    }

    // Written out only so that `closed_at` is encoded as null, not left out.
    private enum CodingKeys: CodingKey {
        case id, app, transaction, requests, count, state, intervalMs, timeLimitS, createdAt, until, closedAt
        case url, shareURL, apiURL, treeURL, requestsList
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(app, forKey: .app)
        try c.encode(transaction, forKey: .transaction)
        try c.encode(requests, forKey: .requests)
        try c.encode(count, forKey: .count)
        try c.encode(state, forKey: .state)
        try c.encode(intervalMs, forKey: .intervalMs)
        try c.encode(timeLimitS, forKey: .timeLimitS)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(until, forKey: .until)
        // Always present, null while running: clients test it, not its presence.
        try c.encode(closedAt, forKey: .closedAt)
        try c.encode(url, forKey: .url)
        try c.encode(shareURL, forKey: .shareURL)
        try c.encode(apiURL, forKey: .apiURL)
        try c.encode(treeURL, forKey: .treeURL)
        try c.encodeIfPresent(requestsList, forKey: .requestsList)
    }
}
