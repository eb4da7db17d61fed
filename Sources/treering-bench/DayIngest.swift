import Foundation
import HummingbirdTesting
import NIOCore
import Synchronization
import TreeringStore

/// The day's uploads posted over HTTP by `clients` keep-alive clients,
/// spread over the servers' ports, while the servers' rollup job runs; then
/// the wait for the rollups and a few app queries over HTTP.
struct DayIngest {
    var seconds: Double
    var latencies: [Double]
    var slowestWindow: Double
    var lagAtEnd: Int64
    var catchUp: Double
    var httpQueries: [(name: String, p50: Double, bytes: Int)]
    /// CPU used from the first upload until the rollups caught up.
    var cpu: CPUReading
    /// Seconds from the first upload until the rollups caught up.
    var busySeconds: Double { seconds + catchUp }

    var p50: Double { Measure.percentile(latencies, 0.5) }
    var p99: Double { Measure.percentile(latencies, 0.99) }

    func rate(_ day: DayBodies) -> Double { Double(day.count) / seconds }

    func table(day: DayBodies, clients: Int, servers: String) -> String {
        let rate = rate(day)
        var out = """
            | ingest over HTTP (\(clients) clients, \(servers), gzip'd treering/1, rollup job running) | |
            | --- | --- |
            | uploads | \(day.count) in \(String(format: "%.0f s", seconds)) |
            | sustained rate | \(String(format: "%.0f uploads/s, %.0fk samples/s", rate, Double(day.totalSamples) / seconds / 1e3)) |
            | slowest 10 s window | \(String(format: "%.0f uploads/s", slowestWindow)) |
            | latency p50 / p99 / max | \(Measure.ms(p50)) / \(Measure.ms(p99)) / \(Measure.ms(latencies.max() ?? 0)) |
            | rollups behind at the end of ingest | \(lagAtEnd) uploads; caught up \(String(format: "%.1f s", catchUp)) later |
            | CPU per upload, until the rollups caught up | \(cpuText(day)) |
            | cores busy meanwhile (of \(ProcessInfo.processInfo.activeProcessorCount)) | \(coresText()) |

            """
        if !httpQueries.isEmpty {
            out += "\n| over HTTP, `GET /api/v1/query` (warm, tree JSON) | p50 | body |\n| --- | --- | --- |\n"
            for q in httpQueries { out += "| \(q.name) | \(Measure.ms(q.p50)) | \(Measure.mb(q.bytes)) |\n" }
        }
        return out
    }

    /// CPU milliseconds per upload of the servers, the database, the benchmark's clients.
    func cpuPerUpload(_ day: DayBodies) -> (servers: Double?, database: Double?, bench: Double) {
        let n = Double(day.count)
        return (cpu.servers.map { $0 * 1000 / n }, cpu.database.map { $0 * 1000 / n }, cpu.bench * 1000 / n)
    }

    func cpuText(_ day: DayBodies) -> String {
        let per = cpuPerUpload(day)
        var parts: [String] = []
        if let s = per.servers { parts.append(String(format: "servers %.2f ms", s)) }
        if let d = per.database { parts.append(String(format: "PostgreSQL %.2f ms", d)) }
        parts.append(
            String(format: per.servers == nil ? "benchmark process (server and clients) %.2f ms" : "benchmark clients %.2f ms", per.bench))
        return parts.joined(separator: ", ")
    }

    func coresText() -> String {
        let t = busySeconds
        var parts = [String(format: "%.2f in all", cpu.machine / t)]
        if let s = cpu.servers { parts.append(String(format: "servers %.2f", s / t)) }
        if let d = cpu.database { parts.append(String(format: "PostgreSQL %.2f", d / t)) }
        parts.append(String(format: "benchmark %.2f", cpu.bench / t))
        parts.append(String(format: "other processes %.2f", cpu.others / t))
        return parts.joined(separator: ", ")
    }

    final class Counters: Sendable {
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
    }

    /// Client `c` posts to `ports[c % ports.count]`; `monitor` is a store
    /// of the bench's own on the same database, read for the rollup progress.
    static func run(
        day: DayBodies, ports: [Int], clients: Int, monitor: any ProfileStore, httpCases: [(String, String)],
        cpu: () -> CPUReading
    ) async throws -> DayIngest {
        let counters = Counters()
        let total = day.count
        progress("ingest: \(total) uploads by \(clients) clients to 127.0.0.1:\(ports.map(String.init).joined(separator: ", "))")
        let cpuAtStart = cpu()
        let start = Measure.now()
        let watcher = Task { () -> Double in
            var slowest = Double.infinity
            var lastDone = 0
            var lastTime = start
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(10))
                if Task.isCancelled { break }
                let done = counters.done.load(ordering: .relaxed)
                let now = Measure.now()
                let window = Double(done - lastDone) / (Double(now - lastTime) / 1e9)
                if done < total { slowest = min(slowest, window) }
                lastDone = done
                lastTime = now
                let status = try? await monitor.rollupProgress()
                let (rolled, newest) = (status?.rolledUpTo ?? 0, status?.newestProfile ?? 0)
                progress(
                    String(
                        format: "  %4.0f s: %6d/%d uploads, %4.0f/s over the last 10 s; rollups at id %d (%d behind)",
                        Double(now - start) / 1e9, done, total, window, rolled, newest - rolled))
            }
            return slowest
        }
        let latencies: [Double]
        do {
            latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for c in 0..<clients {
                    group.addTask { try await post(day: day, port: ports[c % ports.count], counters: counters) }
                }
                var all: [Double] = []
                for try await part in group { all += part }
                return all
            }
        } catch {
            watcher.cancel()
            throw error
        }
        let seconds = Measure.since(start)
        watcher.cancel()
        let slowest = await watcher.value
        var status = try await monitor.rollupProgress()
        let lag = status.newestProfile - status.rolledUpTo
        progress("ingest done in \(String(format: "%.0f s", seconds)); rollups \(lag) uploads behind, waiting")
        let waitStart = Measure.now()
        var said = waitStart
        while status.rolledUpTo < status.newestProfile {
            try await Task.sleep(for: .milliseconds(100))
            status = try await monitor.rollupProgress()
            if Measure.since(said) >= 10 {
                said = Measure.now()
                progress("  rollups at id \(status.rolledUpTo) of \(status.newestProfile)")
            }
        }
        let catchUp = Measure.since(waitStart)
        let used = cpu() - cpuAtStart
        progress(String(format: "rollups caught up after %.1f s", catchUp))
        let http = try await queries(httpCases, port: ports[0])
        return DayIngest(
            seconds: seconds, latencies: latencies, slowestWindow: slowest.isFinite ? slowest : Double(total) / seconds,
            lagAtEnd: lag, catchUp: catchUp, httpQueries: http, cpu: used)
    }

    /// Each query five times on one connection: the p50 and the body's size.
    static func queries(_ cases: [(String, String)], port: Int) async throws -> [(name: String, p50: Double, bytes: Int)] {
        let client = TestClient(host: "localhost", port: port, configuration: .init(timeout: .seconds(600)))
        client.connect()
        var out: [(name: String, p50: Double, bytes: Int)] = []
        do {
            for (name, uri) in cases {
                var bytes = 0
                var times: [Double] = []
                for _ in 0..<5 {
                    let t = Measure.now()
                    let r = try await client.execute(
                        TestClient.Request(uri, method: .get, authority: "localhost", headers: [.connection: "keep-alive"]))
                    times.append(Measure.since(t))
                    guard r.status == .ok else { throw BenchError("\(uri) answered \(r.status)") }
                    bytes = r.body?.readableBytes ?? 0
                }
                out.append((name, Measure.percentile(times, 0.5), bytes))
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return out
    }

    /// One client: its own connection, the next upload until none is left.
    static func post(day: DayBodies, port: Int, counters: Counters) async throws -> [Double] {
        let client = TestClient(host: "localhost", port: port, configuration: .init(timeout: .seconds(600)))
        client.connect()
        var latencies: [Double] = []
        do {
            while true {
                let i = counters.next.add(1, ordering: .relaxed).oldValue
                guard i < day.count else { break }
                let request = TestClient.Request(
                    "/api/v1/ingest", method: .post, authority: "localhost",
                    headers: [.contentType: "application/json", .contentEncoding: "gzip", .connection: "keep-alive"],
                    body: day.body(i))
                let t = Measure.now()
                let response = try await client.execute(request)
                latencies.append(Measure.since(t))
                guard response.status == .created else {
                    throw BenchError("upload \(i) answered \(response.status): \(String(buffer: response.body ?? ByteBuffer()))")
                }
                counters.done.add(1, ordering: .relaxed)
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return latencies
    }
}
