import Foundation
import TreeringSQLite
import TreeringServer
import TreeringStore

/// The real application's arguments, with body limits raised to fit the
/// benchmark's million-sample upload.
struct BenchArguments: AppArguments {
    var hostname = "127.0.0.1"
    var port = 0
    var database: String
    var durability = SQLiteStore.Durability.normal
    var limits: IngestLimits = {
        var limits = IngestLimits()
        limits.maxBodyBytes = 512 << 20
        limits.maxDecompressedBytes = 512 << 20
        return limits
    }()
    var publicDirectory = "Public"
    var templatesDirectory = "Templates"
    /// Generated uploads carry a fixed date (2024): keep them.
    var retentionSeconds: Double = 100 * 365 * 86_400
}
