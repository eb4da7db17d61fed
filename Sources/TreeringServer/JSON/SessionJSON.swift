import TreeringStore

/// A session as the API answers it; with `requestsList` for the detail
/// answer. Times are Unix seconds; `closed_at` is null while running.
struct SessionJSON: Encodable {
    var session: SessionSummary
    var requestsList: [SessionRequestJSON]?

    enum CodingKeys: String, CodingKey {
        case id, app, transaction, requests, count, state, url
        case intervalMs = "interval_ms"
        case timeLimitSeconds = "time_limit_s"
        case createdAt = "created_at"
        case until
        case closedAt = "closed_at"
        case shareURL = "share_url"
        case apiURL = "api_url"
        case treeURL = "tree_url"
        case requestsList = "requests_list"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let s = session
        try c.encode(s.id, forKey: .id)
        try c.encode(s.app, forKey: .app)
        try c.encode(s.transaction, forKey: .transaction)
        try c.encode(s.requestsWanted, forKey: .requests)
        try c.encode(s.count, forKey: .count)
        try c.encode(s.state.rawValue, forKey: .state)
        try c.encode(s.intervalMs, forKey: .intervalMs)
        try c.encode(s.timeLimitSeconds, forKey: .timeLimitSeconds)
        try c.encode(s.createdAt, forKey: .createdAt)
        try c.encode(s.until, forKey: .until)
        // Always present, null while running: clients test it, not its presence.
        try c.encode(s.closedAt, forKey: .closedAt)
        try c.encode("/sessions/\(s.id)", forKey: .url)
        try c.encode("/s/\(s.shareToken)", forKey: .shareURL)
        try c.encode("/api/v1/sessions/\(s.id)", forKey: .apiURL)
        try c.encode("/api/v1/sessions/\(s.id)/tree", forKey: .treeURL)
        try c.encodeIfPresent(requestsList, forKey: .requestsList)
    }
}
