import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import TreeringCore
import TreeringSQLite
import TreeringServer
import TreeringStore

/// `treering-bench day`: one simulated day of agents through the real server
/// over HTTP, then the app queries of the dashboard on the day's database,
/// each beside the naive merge of every upload in its range.
struct DayBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "day",
        abstract: "Ingests a simulated day of agents over HTTP, then measures app queries (rollups vs. naive), database size.")

    @Option(help: "Agents (hosts) uploading.")
    var agents = 10

    @Option(help: "Seconds between two uploads of one agent (each holds this many seconds at 100 Hz).")
    var interval = 10

    @Option(help: "Hours simulated.")
    var hours = 24.0

    @Option(help: "Concurrent HTTP clients posting the uploads, each on its own keep-alive connection.")
    var clients = 4

    @Flag(help: "Simulate one hour instead of --hours.")
    var quick = false

    @Option(help: "Keep the database at this path (it must not exist yet) instead of a temporary file.")
    var database: String?

    @Flag(help: "Skip ingest: measure size and queries of the day already in --database.")
    var queriesOnly = false

    @Flag(help: "Stop after ingest and the database size (no queries).")
    var ingestOnly = false

    @Option(help: "Where the generated upload bodies are cached (default: in the temporary folder, by settings).")
    var bodies: String?

    @Option(help: "Warm repetitions of each rollup query (the naive baseline does fewer when slow).")
    var runs = 15

    @Option(help: "Fresh openings of the database for the cold readings.")
    var coldRuns = 3

    @Flag(help: "Measure the rollup path only, without the naive baseline (for profiling it).")
    var noNaive = false

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 42

    func run() async throws {
        let generator = DayGenerator(agents: agents, interval: interval, hours: quick ? 1 : hours, seed: seed)
        let started = Measure.now()
        say("# treering-bench day: \(generator.agents) agents every \(generator.interval) s for \(generator.hours) h, \(clients) clients\n")
        let model = DayGenerator.Model(generator)
        say(
            "stack population: \(model.groups.reduce(0) { $0 + $1.count }) stacks over \(model.distinctFrames) distinct frames (vocabulary \(generator.frames)), \(generator.transactions) transactions"
        )

        let bodiesPath =
            bodies
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("treering-bench-day-\(generator.agents)x\(generator.interval)s-\(generator.hours)h-seed\(seed).bodies")
            .path
        say("upload bodies: \(bodiesPath)")
        let (day, generated) = try DayBodies.load(generator, model: model, path: bodiesPath)
        if let generated {
            say(String(format: "  generated in %.0f s (kept for the next run)", generated))
        } else {
            say("  reused (same generator settings)")
        }
        let shape = try uploadShape(generator, model: model)
        say(
            """
            \(day.count) uploads, \(day.totalSamples) samples; per upload: \(day.totalSamples / day.count) samples, \
            \(Measure.kb(day.totalJSONBytes / day.count)) JSON, \(Measure.kb(day.totalGzipBytes / day.count)) gzip'd; \
            \(shape)

            """)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("treering-bench-\(UUID().uuidString)")
        let path = database ?? folder.appendingPathComponent("day.sqlite").path
        if database == nil { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        defer { if database == nil { try? FileManager.default.removeItem(at: folder) } }

        var ingest: IngestResult?
        if queriesOnly {
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("--queries-only needs an existing --database") }
        } else {
            guard !FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("\(path) exists: the benchmark fills a fresh database (remove it, or pass --queries-only)")
            }
            ingest = try await Self.ingest(day: day, path: path, clients: clients, generator: generator)
        }
        let size = try await Self.databaseSize(path: path)
        let queries =
            ingestOnly
            ? []
            : try await queryCases(generator).asyncMap {
                try await Self.measure($0, path: path, runs: runs, coldRuns: coldRuns, naive: !noNaive)
            }

        say("\n## Results (\(ProcessInfo.processInfo.activeProcessorCount) cores)\n")
        if let ingest { say(ingest.table(day: day, clients: clients)) }
        if !queries.isEmpty { say(Self.queryTable(queries)) }
        say(size.table(samples: day.totalSamples, uploads: day.count))
        say(String(format: "\ntotal wall time %.0f s", Measure.since(started)))
    }

    /// The three queries of the issue: the simulated span, one hour in its
    /// middle, and the busiest transaction over the span.
    func queryCases(_ g: DayGenerator) -> [QueryCase] {
        let from = DayGenerator.dayStart, until = from + g.seconds
        let hourStart = from + (g.seconds >= 7_200 ? ((g.seconds / 2 / 3_600).rounded(.down) * 3_600) : 0)
        let span = g.seconds >= 86_400 ? "whole day (24 h)" : String(format: "whole run (%g h)", g.seconds / 3_600)
        let transaction = g.transactionName(0)
        return [
            QueryCase(name: span, query: AppQuery(app: DayGenerator.app, from: from, until: until)),
            QueryCase(name: "one hour", query: AppQuery(app: DayGenerator.app, from: hourStart, until: hourStart + 3_600)),
            QueryCase(
                name: "`transaction=\(transaction)`, \(g.seconds >= 86_400 ? "whole day" : "whole run")",
                query: AppQuery(app: DayGenerator.app, from: from, until: until, filter: LabelFilter(["transaction": [transaction]]))),
        ]
    }

    /// Nodes and series of a few uploads, as the server will see them.
    func uploadShape(_ g: DayGenerator, model: DayGenerator.Model) throws -> String {
        var nodes = 0, seriesNodes = 0, series = 0, frames = 0
        let picks = stride(from: 0, to: g.uploadCount, by: max(1, g.uploadCount / 50)).map { $0 }
        for i in picks {
            let profile = try TreeringJSONParser(limits: ProfileLimits()).parse(g.upload(i, model: model).json)
            nodes += profile.mergedTree().nodeCount
            let trees = profile.treesByLabels()
            series += trees.count
            seriesNodes += trees.reduce(0) { $0 + $1.tree.nodeCount }
            frames += profile.frames.frames.count
        }
        let n = picks.count
        return
            "\(frames / n) frames, \(nodes / n) tree nodes, \(series / n) series (\(seriesNodes / n) nodes in the per-series trees stored)"
    }

    // MARK: ingest

    struct IngestResult {
        var seconds: Double
        var latencies: [Double]
        var slowestWindow: Double
        var lagAtEnd: Int64
        var catchUp: Double
        var httpQueries: [(name: String, p50: Double, bytes: Int)]

        func table(day: DayBodies, clients: Int) -> String {
            let rate = Double(day.count) / seconds
            var out = """
                | ingest over HTTP (\(clients) clients, gzip'd treering/1, rollup job running) | |
                | --- | --- |
                | uploads | \(day.count) in \(String(format: "%.0f s", seconds)) |
                | sustained rate | \(String(format: "%.0f uploads/s, %.0fk samples/s", rate, Double(day.totalSamples) / seconds / 1e3)) |
                | slowest 10 s window | \(String(format: "%.0f uploads/s", slowestWindow)) |
                | latency p50 / p99 / max | \(Measure.ms(Measure.percentile(latencies, 0.5))) / \(Measure.ms(Measure.percentile(latencies, 0.99))) / \(Measure.ms(latencies.max() ?? 0)) |
                | rollups behind at the end of ingest | \(lagAtEnd) uploads; caught up \(String(format: "%.1f s", catchUp)) later |

                """
            if !httpQueries.isEmpty {
                out += "\n| over HTTP, `GET /api/v1/query` (warm, tree JSON) | p50 | body |\n| --- | --- | --- |\n"
                for q in httpQueries { out += "| \(q.name) | \(Measure.ms(q.p50)) | \(Measure.mb(q.bytes)) |\n" }
            }
            return out
        }
    }

    final class Counters: Sendable {
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
    }

    static func ingest(day: DayBodies, path: String, clients: Int, generator: DayGenerator) async throws -> IngestResult {
        let app = try await buildApplication(BenchArguments(database: path))
        let monitor = try SQLiteStore(path: path)
        let cases = DayBench.httpCases(generator)
        return try await app.test(.live) { client in
            let port = client.port!
            let counters = Counters()
            let total = day.count
            say("ingest: \(total) uploads by \(clients) clients to 127.0.0.1:\(port)")
            let start = Measure.now()
            let progress = Task { () -> Double in
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
                    let (rolled, newest) = (try? await rollupStatus(monitor)) ?? (0, 0)
                    say(
                        String(
                            format: "  %4.0f s: %6d/%d uploads, %4.0f/s over the last 10 s; rollups at id %d (%d behind)",
                            Double(now - start) / 1e9, done, total, window, rolled, newest - rolled))
                }
                return slowest
            }
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for _ in 0..<clients {
                    group.addTask { try await post(day: day, port: port, counters: counters) }
                }
                var all: [Double] = []
                for try await part in group { all += part }
                return all
            }
            let seconds = Measure.since(start)
            progress.cancel()
            let slowest = await progress.value
            var (rolled, newest) = try await rollupStatus(monitor)
            let lag = newest - rolled
            say("ingest done in \(String(format: "%.0f s", seconds)); rollups \(lag) uploads behind, waiting")
            let waitStart = Measure.now()
            while rolled < newest {
                try await Task.sleep(for: .milliseconds(100))
                (rolled, newest) = try await rollupStatus(monitor)
            }
            let catchUp = Measure.since(waitStart)
            say(String(format: "rollups caught up after %.1f s", catchUp))
            var http: [(String, Double, Int)] = []
            for (name, uri) in cases {
                var bytes = 0
                var times: [Double] = []
                for _ in 0..<5 {
                    let t = Measure.now()
                    let r = try await client.execute(uri: uri, method: .get)
                    times.append(Measure.since(t))
                    guard r.status == .ok else { throw BenchError("\(uri) answered \(r.status)") }
                    bytes = r.body.readableBytes
                }
                http.append((name, Measure.percentile(times, 0.5), bytes))
            }
            return IngestResult(
                seconds: seconds, latencies: latencies, slowestWindow: slowest.isFinite ? slowest : Double(total) / seconds,
                lagAtEnd: lag, catchUp: catchUp, httpQueries: http)
        }
    }

    static func httpCases(_ g: DayGenerator) -> [(String, String)] {
        let from = Int(DayGenerator.dayStart), until = from + Int(g.seconds)
        let hour = from + (g.seconds >= 7_200 ? Int((g.seconds / 2 / 3_600).rounded(.down)) * 3_600 : 0)
        return [
            (g.seconds >= 86_400 ? "whole day" : "whole run", "/api/v1/query?app=\(DayGenerator.app)&from=\(from)&until=\(until)"),
            ("one hour", "/api/v1/query?app=\(DayGenerator.app)&from=\(hour)&until=\(hour + 3_600)"),
        ]
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

    static func rollupStatus(_ db: SQLiteStore) async throws -> (rolledUpTo: Int64, newest: Int64) {
        let progress = try await db.rollupProgress()
        return (progress.rolledUpTo, progress.newestProfile)
    }

    // MARK: size

    struct SizeResult {
        var file: Int
        var wal: Int
        /// Bytes per table or index, from `dbstat` (empty when SQLite lacks it).
        var tables: [(String, Int)]
        var rows: [String: Int]
        /// Per resolution: rows and bytes of tree blobs.
        var rollups: [(resolution: Int, rows: Int, bytes: Int)]

        func table(samples: Int, uploads: Int) -> String {
            let total = file + wal
            var out = """
                | database after the run (checkpointed) | |
                | --- | --- |
                | file + WAL | \(Measure.mb(file)) + \(Measure.mb(wal)) |
                | per ingested sample | \(String(format: "%.1f bytes", Double(total) / Double(samples))) |
                | per upload | \(Measure.kb(total / uploads)) |

                """
            out += "\n| table or index | size | rows |\n| --- | --- | --- |\n"
            for (name, bytes) in tables where bytes >= total / 1000 {
                out += "| \(name) | \(Measure.mb(bytes)) | \(rows[name].map(String.init) ?? "") |\n"
            }
            for name in ["series", "frame"] where !tables.contains(where: { $0.0 == name && $0.1 >= total / 1000 }) {
                out += "| \(name) | | \(rows[name] ?? 0) |\n"
            }
            out += "\n| rollup resolution | rows | tree blobs |\n| --- | --- | --- |\n"
            for r in rollups { out += "| \(r.resolution) s | \(r.rows) | \(Measure.mb(r.bytes)) |\n" }
            return out
        }
    }

    static func databaseSize(path: String) async throws -> SizeResult {
        let db = try SQLiteStore(path: path)
        try await db.checkpointAndTruncate()
        func size(_ p: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: p))?[.size] as? Int) ?? 0 }
        let (file, wal) = (size(path), size(path + "-wal"))
        let stats = try await db.storageStats()
        return SizeResult(
            file: file, wal: wal, tables: stats.tables.map { ($0.name, $0.bytes) }, rows: stats.rows,
            rollups: stats.rollups.map { (resolution: $0.seconds, rows: $0.rows, bytes: $0.treeBytes) })
    }

    // MARK: queries

    struct QueryCase {
        var name: String
        var query: AppQuery
    }

    struct QueryResult {
        var name: String
        var cold: [Double]
        var warm: [Double]
        var naiveCold: [Double]
        var naiveWarm: [Double]
        var nodes: Int
        var samples: Int64
        var same: Bool
    }

    /// Cold: the first query on a freshly opened `SQLiteStore` (new SQLite
    /// connections, so an empty page cache; the OS file cache is not dropped).
    /// Warm: repeated on the same connection pool.
    static func measure(_ c: QueryCase, path: String, runs: Int, coldRuns: Int, naive measureNaive: Bool) async throws -> QueryResult {
        say("query \(c.name):")
        var cold: [Double] = [], warm: [Double] = []
        var db: SQLiteStore!
        var tree: LoadedTree!
        for _ in 0..<coldRuns {
            db = try SQLiteStore(path: path)
            let t = Measure.now()
            tree = try await db.queryTree(c.query)
            cold.append(Measure.since(t))
        }
        for _ in 0..<runs {
            let t = Measure.now()
            tree = try await db.queryTree(c.query)
            warm.append(Measure.since(t))
        }
        say(
            String(
                format: "  rollups: cold p50 %.1f ms, warm p50 %.1f ms; %d nodes, %d samples",
                Measure.percentile(cold, 0.5) * 1000, Measure.percentile(warm, 0.5) * 1000, tree.tree.nodeCount, tree.tree.totalCount))
        guard measureNaive else {
            return QueryResult(
                name: c.name, cold: cold, warm: warm, naiveCold: [], naiveWarm: [],
                nodes: tree.tree.nodeCount, samples: tree.tree.totalCount, same: false)
        }
        // The naive baseline: fewer repetitions when slow.
        var naiveCold: [Double] = [], naiveWarm: [Double] = []
        var naive: LoadedTree!
        repeat {
            db = try SQLiteStore(path: path)
            let t = Measure.now()
            naive = try await db.queryTreeNaively(c.query)
            naiveCold.append(Measure.since(t))
        } while naiveCold.count < coldRuns && naiveCold.reduce(0, +) < 5
        repeat {
            let t = Measure.now()
            naive = try await db.queryTreeNaively(c.query)
            naiveWarm.append(Measure.since(t))
        } while naiveWarm.count < runs && naiveWarm.reduce(0, +) < 10
        let same =
            tree.tree.totalCount == naive.tree.totalCount && tree.tree.nodeCount == naive.tree.nodeCount
            && fingerprint(tree.tree) == fingerprint(naive.tree)
        say(
            String(
                format: "  naive: cold %.0f ms (%d runs), warm p50 %.0f ms (%d runs); %d nodes, %d samples; same tree: %@",
                Measure.percentile(naiveCold, 0.5) * 1000, naiveCold.count, Measure.percentile(naiveWarm, 0.5) * 1000,
                naiveWarm.count, naive.tree.nodeCount, naive.tree.totalCount, same ? "yes" : "NO"))
        return QueryResult(
            name: c.name, cold: cold, warm: warm, naiveCold: naiveCold, naiveWarm: naiveWarm,
            nodes: tree.tree.nodeCount, samples: tree.tree.totalCount, same: same)
    }

    /// A hash of the tree's paths and counts that does not depend on node
    /// order: equal for equal trees built in different orders.
    static func fingerprint(_ t: CallTree) -> UInt64 {
        func mix(_ x: UInt64) -> UInt64 {
            var z = x &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var path = [UInt64](repeating: 0, count: t.nodeCount)
        var sum: UInt64 = mix(UInt64(bitPattern: t.selfCounts[0]))
        for i in 1..<max(t.nodeCount, 1) {
            path[i] = mix(path[Int(t.parents[i])] ^ UInt64(UInt32(bitPattern: t.frames[i])))
            sum &+= mix(path[i] ^ mix(UInt64(bitPattern: t.selfCounts[i])))
        }
        return sum
    }

    static func queryTable(_ results: [QueryResult]) -> String {
        var out = """
            | query (p50) | rollups, cold | rollups, warm | naive, cold | naive, warm | gain cold / warm | tree (nodes, samples) | same tree |
            | --- | --- | --- | --- | --- | --- | --- | --- |

            """
        for r in results {
            let c = Measure.percentile(r.cold, 0.5), w = Measure.percentile(r.warm, 0.5)
            let nc = Measure.percentile(r.naiveCold, 0.5), nw = Measure.percentile(r.naiveWarm, 0.5)
            out += "| \(r.name) | \(Measure.ms(c)) | \(Measure.ms(w)) | \(Measure.ms(nc)) | \(Measure.ms(nw)) "
            out += String(format: "| %.0fx / %.0fx ", nc / c, nw / w)
            out += "| \(r.nodes), \(r.samples) | \(r.naiveWarm.isEmpty ? "not compared" : r.same ? "yes" : "NO") |\n"
        }
        return out
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
