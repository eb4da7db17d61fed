/// A session (`POST /api/v1/apps/{app}/sessions`, `GET /api/v1/sessions/{id}`).
struct SessionAnswer: Decodable {
    var id: Int
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
    var shareUrl: String
    var apiUrl: String
    var treeUrl: String
    /// Only in a single session's answer: its requests, slowest first.
    var requestsList: [SessionRequestAnswer]?
}

/// One recorded request of a session.
struct SessionRequestAnswer: Decodable {
    var request: String
    var wallMs: Double
    var samples: Int
    var host: String?
    var threads: [String]
    var receivedAt: Double?
    var treeUrl: String
}

/// What agents learn of a running session: from the active list and the ingest answer.
struct ActiveSessionAnswer: Decodable {
    var id: Int
    var transaction: String
    var intervalMs: Double
    var until: Double
}

/// A list of sessions (`GET /api/v1/apps/{app}/sessions` with `Session`
/// answers, `.../sessions/active` with `ActiveSessionAnswer` and `pollS`).
struct SessionsPage<Session: Decodable>: Decodable {
    var sessions: [Session]
    var pollS: Double?
}

/// The answer to a recorded request (`POST /api/v1/sessions/{id}/requests`).
struct SessionRequestRecorded: Decodable {
    var session: Int
    var count: Int
    var requests: Int
    var state: String
}
