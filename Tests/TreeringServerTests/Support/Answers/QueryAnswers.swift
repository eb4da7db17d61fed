/// A call tree as the browser reads it (profiles, sessions, app queries):
/// columns of frames and nodes.
struct TreeAnswer: Decodable {
    struct Frames: Decodable {
        var name: [String]
    }

    struct Nodes: Decodable {
        var parent: [Int]
        var total: [Int]
    }

    var intervalMs: Double
    var total: Int
    var frames: Frames
    var nodes: Nodes
}

/// The label values seen in an app's range (`GET /api/v1/apps/{app}/labels`).
struct LabelsAnswer: Decodable {
    var labels: [String: [String]]
}

/// Samples per step (`GET /api/v1/apps/{app}/timeline`): `[step start, samples]` pairs.
struct TimelineAnswer: Decodable {
    var points: [[Int]]
}

/// A shared query (`POST /api/v1/query/share`, `GET /api/v1/q/{token}`).
struct SharedQueryAnswer: Decodable {
    var token: String
    var app: String
    var from: Double
    var until: Double
    var url: String
    var treeUrl: String
}

/// An API key (`GET/POST /api/v1/keys`); `secret` only when just created.
struct KeyAnswer: Decodable {
    var id: Int64
    var name: String?
    var scope: String
    var apps: [String]
    var secret: String?
}

struct KeysAnswer: Decodable {
    var keys: [KeyAnswer]
}
