import Foundation

/// One closed bucket to build: the finer rows it is made of, per series.
/// `[from, until)` is what becomes built: empty buckets before it, then it.
struct BuildWork {
    var version: Int64
    var resolution: Int64
    var from: Int64
    var until: Int64
    var finer: [(series: Int64, blob: Data)]
}
