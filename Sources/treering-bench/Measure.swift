import Foundation

/// `print`, flushed at once: progress shows as it happens, in order with the server's log.
func say(_ line: String) {
    print(line)
    fflush(nil)
}

/// A progress line of a long phase, on stderr: stdout keeps only the results.
func progress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Timing and memory readings for the benchmark.
enum Measure {
    /// Median wall time of `runs` calls, in seconds.
    static func median(runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times.sorted()[times.count / 2]
    }

    static func medianAsync(runs: Int, _ body: () async throws -> Void) async rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try await body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times.sorted()[times.count / 2]
    }

    /// The `q` quantile (0...1) of `values`, nearest rank.
    static func percentile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
    }

    /// Seconds since `start` (a `DispatchTime` uptime in nanoseconds).
    static func since(_ start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Resets the kernel's peak-RSS mark, so the next reading covers only what follows.
    static func resetPeak() {
        // procfs takes a plain write; Foundation's atomic or truncating writes fail there.
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return }
        try? handle.write(contentsOf: Data("5".utf8))
        try? handle.close()
    }

    /// Peak and current resident memory in bytes (VmHWM, VmRSS).
    static func memory() -> (peak: Int, current: Int) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return 0 }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return (words.count > 1 ? Int(words[1]) ?? 0 : 0) * 1024
        }
        return (field("VmHWM:"), field("VmRSS:"))
    }

    static func mb(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
    static func kb(_ bytes: Int) -> String { String(format: "%.1f KB", Double(bytes) / 1e3) }
    static func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
}
