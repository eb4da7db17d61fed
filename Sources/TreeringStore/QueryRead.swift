import Foundation

/// The stored trees a read picked, to be merged outside the transaction.
package struct QueryRead {
    package var blobs: [Data]
    package var intervalMs: Double

    package init(blobs: [Data], intervalMs: Double) {
        self.blobs = blobs
        self.intervalMs = intervalMs
    }
}
