import TreeringCore

/// The stored ids of frames a write transaction looked up or added for an
/// app. They enter `FrameIDCache` only after the transaction has committed,
/// so the cache never holds an id that was rolled back.
struct LearnedFrames: Sendable {
    var appID: Int64
    var ids: [(frame: Frame, id: Int32)]

    func remember(in cache: FrameIDCache) {
        cache.remember(app: appID, ids)
    }
}
