import Foundation

/// The rows side by side, each figure with its ratio to the first row
/// (SQLite when it ran): the summary the scaling page quotes.
enum DayComparison {
    static func table(_ results: [DayRowResult], day: DayBodies) -> String {
        guard let base = results.first else { return "" }
        var head = "| | \(base.row.name)"
        var rule = "| --- | ---"
        for r in results.dropFirst() {
            head += " | \(r.row.name) | vs. \(base.row.name)"
            rule += " | --- | ---"
        }
        var out = head + " |\n" + rule + " |\n"

        func line(_ name: String, _ value: (DayRowResult) -> Double?, _ format: (Double) -> String) {
            let values = results.map(value)
            guard values.contains(where: { $0 != nil }) else { return }
            let b = values[0]
            var text = "| \(name) | \(b.map(format) ?? "")"
            for v in values.dropFirst() {
                text += " | \(v.map(format) ?? "") | "
                if let v, let b { text += String(format: "%.2fx", v / b) }
            }
            out += text + " |\n"
        }
        let ms = { (s: Double) in Measure.ms(s) }
        let ms1000 = { (v: Double) in String(format: "%.2f ms", v) }
        line("uploads/s", { $0.ingest?.rate(day) }, { String(format: "%.0f", $0) })
        line("upload latency p50", { $0.ingest?.p50 }, ms)
        line("upload latency p99", { $0.ingest?.p99 }, ms)
        line("server CPU per upload", { $0.ingest?.cpuPerUpload(day).servers }, ms1000)
        line("PostgreSQL CPU per upload", { $0.ingest?.cpuPerUpload(day).database }, ms1000)
        line("cores busy, all processes", { $0.ingest.map { $0.cpu.machine / $0.busySeconds } }, { String(format: "%.2f", $0) })
        line("cores busy, other processes", { $0.ingest.map { $0.cpu.others / $0.busySeconds } }, { String(format: "%.2f", $0) })
        line("rollups caught up after ingest", { $0.ingest?.catchUp }, { String(format: "%.1f s", $0) })
        for (k, q) in base.queries.enumerated() {
            line("\(q.name), rollups, cold", { $0.queries.count > k ? Measure.percentile($0.queries[k].cold, 0.5) : nil }, ms)
            line("\(q.name), rollups, warm", { $0.queries.count > k ? Measure.percentile($0.queries[k].warm, 0.5) : nil }, ms)
        }
        if let h = base.ingest?.httpQueries {
            for (k, q) in h.enumerated() {
                line("\(q.name) over HTTP (warm)", { ($0.ingest?.httpQueries.count ?? 0) > k ? $0.ingest!.httpQueries[k].p50 : nil }, ms)
            }
        }
        line("bytes per sample", { $0.size.bytesPerSample(day.totalSamples) }, { String(format: "%.1f", $0) })
        return out
    }
}
