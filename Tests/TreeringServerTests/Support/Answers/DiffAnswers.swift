/// Two trees compared (`GET /api/v1/diff`): both sides' totals and four
/// count columns per node.
struct DiffAnswer: Decodable {
    struct Side: Decodable {
        var total: Int
        var intervalMs: Double
    }

    struct Frames: Decodable {
        var name: [String]
    }

    struct Nodes: Decodable {
        var parent: [Int]
        var frame: [Int]
        var baseTotal: [Int]
        var baseSelf: [Int]
        var targetTotal: [Int]
        var targetSelf: [Int]
    }

    var base: Side
    var target: Side
    var frames: Frames
    var nodes: Nodes

    /// (base total, target total) of the first node named `name`.
    func totals(of name: String) -> (Int, Int)? {
        guard let f = frames.name.firstIndex(of: name), let n = nodes.frame.firstIndex(of: f) else { return nil }
        return (nodes.baseTotal[n], nodes.targetTotal[n])
    }
}

/// A comparison kept under a share token (`POST /api/v1/diff/share`).
struct SharedComparisonAnswer: Decodable {
    var token: String
    var url: String
    var apiUrl: String
    var sides: String
    var expiresAt: Double?
}
