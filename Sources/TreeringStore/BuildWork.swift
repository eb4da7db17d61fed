import Foundation

/// One closed bucket to build: the finer rows it is made of, per series.
/// `[from, until)` is what becomes built: empty buckets before it, then it.
package struct BuildWork {
    package var version: Int64
    package var resolution: Int64
    package var from: Int64
    package var until: Int64
    package var finer: [(series: Int64, blob: Data)]

    package init(version: Int64, resolution: Int64, from: Int64, until: Int64, finer: [(series: Int64, blob: Data)]) {
        self.version = version
        self.resolution = resolution
        self.from = from
        self.until = until
        self.finer = finer
    }
}
