/// The answer to an upload (`POST /api/v1/ingest`).
struct IngestAnswer: Decodable {
    var id: String
    var url: String
    var shareUrl: String
    var samples: Int
    /// The app's running sessions.
    var sessions: [ActiveSessionAnswer]
}

/// One profile (`GET /api/v1/profiles/{id}`, and each of a list).
struct ProfileAnswer: Decodable {
    var id: String
    var app: String
    var tags: [String: String]
    var samples: Int
    var threads: [String]
    var url: String
    var shareUrl: String
}

/// A page of profiles, newest first (`GET /api/v1/profiles`).
struct ProfilesPage: Decodable {
    var profiles: [ProfileAnswer]
    var nextBefore: String?
}
