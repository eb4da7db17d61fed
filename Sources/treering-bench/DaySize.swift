import TreeringStore

/// The database after the run: its bytes, per sample and per table.
struct DaySize {
    /// Bytes on disk.
    var total: Int
    /// Bytes there before the first table (PostgreSQL's catalog), not counted per sample.
    var overhead: Int
    /// How `total` was read.
    var what: String
    var stats: StorageStats

    func bytesPerSample(_ samples: Int) -> Double { Double(total - overhead) / Double(max(samples, 1)) }

    func table(samples: Int, uploads: Int) -> String {
        let data = total - overhead
        var out = """
            | database after the run | |
            | --- | --- |
            | size | \(what) |
            | per ingested sample | \(String(format: "%.1f bytes", bytesPerSample(samples))) |
            | per upload | \(Measure.kb(data / max(uploads, 1))) |

            """
        out += "\n| table or index | size | rows |\n| --- | --- | --- |\n"
        for table in stats.tables where table.bytes >= data / 1000 {
            out += "| \(table.name) | \(Measure.mb(table.bytes)) | \(stats.rows[table.name].map(String.init) ?? "") |\n"
        }
        for name in ["series", "frame"] where !stats.tables.contains(where: { $0.name == name && $0.bytes >= data / 1000 }) {
            out += "| \(name) | | \(stats.rows[name] ?? 0) |\n"
        }
        out += "\n| rollup resolution | rows | tree blobs |\n| --- | --- | --- |\n"
        for r in stats.rollups { out += "| \(r.seconds) s | \(r.rows) | \(Measure.mb(r.treeBytes)) |\n" }
        return out
    }
}
