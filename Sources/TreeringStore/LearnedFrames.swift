import TreeringCore

/// The stored ids of frames a write transaction looked up or added for an
/// app. They enter `FrameIDCache` only after the transaction has committed,
/// so the cache never holds an id that was rolled back.
package struct LearnedFrames: Sendable {
    package var appID: Int64
    package var ids: [(frame: Frame, id: Int32)]

    package init(appID: Int64, ids: [(frame: Frame, id: Int32)]) {
        self.appID = appID
        self.ids = ids
    }

    package func remember(in cache: FrameIDCache) {
        cache.remember(app: appID, ids)
    }
}
