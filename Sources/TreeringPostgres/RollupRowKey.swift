/// A stored rollup row's key, its series resolved to an id (a `RollupKey`
/// may name an app's `*` series before it has one).
struct RollupRowKey: Hashable {
    var series: Int64
    var resolution: Int64
    var bucket: Int64
}
