/// One rollup row: a series (or all of an app's series) at one resolution
/// and bucket start.
package struct RollupKey: Hashable, Sendable {
    package enum Series: Hashable, Sendable {
        case one(Int64)
        /// Every series of the app with this id, merged (stored under the
        /// app's series labelled `*`).
        case all(app: Int64)
    }

    package var series: Series
    package var resolution: Int64
    package var bucket: Int64

    /// The stored series this key's row is under: its own, or its app's
    /// merged `*` series (`allSeries`, by app; nil before it exists).
    package func seriesID(allSeries: [Int64: Int64]) -> Int64? {
        switch series {
        case .one(let id): id
        case .all(let app): allSeries[app]
        }
    }
}
