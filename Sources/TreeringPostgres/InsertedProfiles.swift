import TreeringStore

/// What an upload's transaction stored: the profiles, and the app, frame
/// and series ids it read or made, for the caches once it has committed.
struct InsertedProfiles: Sendable {
    var summaries: [ProfileSummary]
    var apps: [String: Int64]
    var frames: [LearnedFrames]
    var series: [(app: Int64, ids: [(String, Int64)])]
}
