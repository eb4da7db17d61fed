import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TreeringCore
import TreeringServer
import TreeringStore

/// `treering-bench day`: one simulated day of agents through real servers
/// over HTTP, then the app queries of the dashboard on the day's database,
/// each beside the naive merge of every upload in its range. With `--db`,
/// the same day again on PostgreSQL with one and with two server processes,
/// each row on a fresh database, and the rows side by side.
struct DayBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "day",
        abstract:
            "Ingests a simulated day of agents over HTTP, then measures app queries (rollups vs. naive), database size; on SQLite and, with --db, PostgreSQL with one and two server processes."
    )

    @Option(help: "Agents (hosts) uploading.")
    var agents = 10

    @Option(help: "Seconds between two uploads of one agent (each holds this many seconds at 100 Hz).")
    var interval = 10

    @Option(help: "Hours simulated.")
    var hours = 24.0

    @Option(help: "Concurrent HTTP clients posting the uploads, each on its own keep-alive connection, spread over the servers.")
    var clients = 4

    @Flag(help: "Simulate one hour instead of --hours.")
    var quick = false

    @Option(
        help:
            "PostgreSQL URL to create the benchmark's databases through, e.g. postgres://postgres@127.0.0.1:5432/postgres: adds the PostgreSQL rows, each on a fresh database treering_bench_<row>."
    )
    var db: String?

    @Option(
        help:
            "Rows, comma-separated: sqlite, pg1 (one server process on PostgreSQL), pg2 (two on one database), pgN. Default: sqlite, plus pg1,pg2 with --db."
    )
    var rows: String?

    @Option(help: "The treering binary the servers run (default: the one built beside treering-bench).")
    var serverBinary: String?

    @Flag(help: "Run one-process rows inside the benchmark's own process (buildApplication), not as a `treering serve` process.")
    var inProcess = false

    @Option(help: "The SQLite row's database at this path, kept (it must not exist yet) instead of a temporary file.")
    var database: String?

    @Flag(help: "Keep the databases: the SQLite file and the PostgreSQL treering_bench_<row> databases.")
    var keep = false

    @Flag(help: "Skip ingest: measure size and queries of the day already in the databases (--database, or kept with --keep).")
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

    func validate() throws {
        let list = try rowList()
        if list.contains(where: { $0.backend == .postgres }) && db == nil {
            throw ValidationError("--rows: the PostgreSQL rows need --db postgres://…")
        }
        if let db, !db.lowercased().hasPrefix("postgres://") && !db.lowercased().hasPrefix("postgresql://") {
            throw ValidationError("--db: expected a postgres:// URL (the SQLite row's file is --database)")
        }
        if queriesOnly && database == nil && list.contains(.sqlite) {
            throw ValidationError("--queries-only needs the SQLite row's --database")
        }
    }

    func rowList() throws -> [DayRow] {
        guard let rows else { return db == nil ? [.sqlite] : [.sqlite, .postgres1, .postgres2] }
        return try rows.split(separator: ",").map { text in
            guard let row = DayRow(argument: String(text.trimmingCharacters(in: .whitespaces))) else {
                throw ValidationError("--rows: \(text) is not sqlite, pg1, pg2 or pgN")
            }
            return row
        }
    }

    func run() async throws {
        let generator = DayGenerator(agents: agents, interval: interval, hours: quick ? 1 : hours, seed: seed)
        let started = Measure.now()
        let list = try rowList()
        say(
            "# treering-bench day: \(generator.agents) agents every \(generator.interval) s for \(generator.hours) h, \(clients) clients; rows: \(list.map(\.name).joined(separator: ", "))\n"
        )
        let model = DayGenerator.Model(generator)
        say(
            "stack population: \(model.groups.reduce(0) { $0 + $1.count }) stacks over \(model.distinctFrames) distinct frames (vocabulary \(generator.frames)), \(generator.transactions) transactions"
        )
        let bodiesPath =
            bodies
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("treering-bench-day-\(generator.agents)x\(generator.interval)s-\(generator.hours)h-seed\(seed).bodies")
            .path
        progress("upload bodies: \(bodiesPath)")
        let (day, generated) = try DayBodies.load(generator, model: model, path: bodiesPath)
        if let generated {
            progress(String(format: "  generated in %.0f s (kept for the next run)", generated))
        } else {
            progress("  reused (same generator settings)")
        }
        let shape = try uploadShape(generator, model: model)
        say(
            """
            \(day.count) uploads, \(day.totalSamples) samples; per upload: \(day.totalSamples / day.count) samples, \
            \(Measure.kb(day.totalJSONBytes / day.count)) JSON, \(Measure.kb(day.totalGzipBytes / day.count)) gzip'd; \
            \(shape)
            """)

        let binary = serverBinary ?? ServerProcesses.besideBench()
        if let serverBinary, !FileManager.default.isExecutableFile(atPath: serverBinary) {
            throw ValidationError("--server-binary: \(serverBinary) is not an executable")
        }
        let needsProcesses = list.contains { $0.processes > 1 || !inProcess }
        var runInProcess = inProcess
        if needsProcesses && binary == nil {
            guard list.allSatisfy({ $0.processes == 1 }) else {
                throw ValidationError(
                    "no treering binary beside treering-bench: build it (swift build --product treering) or pass --server-binary")
            }
            progress("no treering binary beside treering-bench: the server runs in the benchmark's own process")
            runInProcess = true
        }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("treering-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let admin = db.map { PSQL(url: $0) }

        var results: [DayRowResult] = []
        for (k, row) in list.enumerated() {
            let database: BenchDatabase
            switch row.backend {
            case .sqlite:
                database = try BenchDatabase.sqlite(
                    path: self.database ?? folder.appendingPathComponent("day-\(k + 1).sqlite").path, fresh: !queriesOnly,
                    keep: self.database != nil)
            case .postgres:
                // The previous row's dirty pages are written now, not during this
                // row (best effort: CHECKPOINT needs a superuser or pg_checkpoint).
                _ = try? admin!.run("CHECKPOINT")
                database = try BenchDatabase.postgres(admin: admin!, name: "treering_bench_\(k + 1)", fresh: !queriesOnly)
            }
            let servers = (runInProcess && row.processes == 1) ? nil : binary
            let result: DayRowResult
            do {
                result = try await measure(row, database: database, binary: servers, day: day, generator: generator, folder: folder.path)
            } catch {
                try? database.drop(keep: keep || queriesOnly)
                throw error
            }
            try database.drop(keep: keep || queriesOnly)
            results.append(result)
            say("\n## \(row.name) (\(result.servers), \(ProcessInfo.processInfo.activeProcessorCount) cores)\n")
            if let ingest = result.ingest { say(ingest.table(day: day, clients: clients, servers: result.servers)) }
            if !result.queries.isEmpty { say(DayQueries.table(result.queries)) }
            say(result.size.table(samples: day.totalSamples, uploads: day.count))
        }
        if results.count > 1 {
            say("\n## Side by side (ratios against \(results[0].row.name))\n")
            say(DayComparison.table(results, day: day))
        }
        say(String(format: "\ntotal wall time %.0f s", Measure.since(started)))
    }

    /// One row: servers up, the day's uploads, servers down, then size and
    /// queries through a store of the bench's own.
    func measure(
        _ row: DayRow, database: BenchDatabase, binary: String?, day: DayBodies, generator: DayGenerator, folder: String
    ) async throws -> DayRowResult {
        progress("\n# \(row.name): \(database.location)")
        let logger = {
            var logger = Logger(label: "treering-bench")
            logger.logLevel = .warning
            return logger
        }()
        let location = database.location
        let open: @Sendable () async throws -> any ProfileStore = { try await StoreOpener.open(location, logger: logger).store }
        var postmaster: Int32? = nil
        if case .postgres(_, _, let psql, _) = database.kind {
            postmaster = CPUTime.postmaster(psql)
            if postmaster == nil { progress("PostgreSQL runs elsewhere (or its data folder is unreadable): its CPU is not measured") }
        }
        let cluster = postmaster
        var ingest: DayIngest?
        let servers: String
        if let binary {
            servers = row.processes == 1 ? "1 `treering serve` process" : "\(row.processes) `treering serve` processes"
            if !queriesOnly {
                let processes = try await ServerProcesses(binary: binary, count: row.processes, database: location, logFolder: folder)
                let pids = processes.pids
                do {
                    let monitor = try await open()
                    ingest = try await DayIngest.run(
                        day: day, ports: processes.ports, clients: clients, monitor: monitor, httpCases: DayQueries.httpCases(generator),
                        cpu: { CPUReading.now(servers: pids, postmaster: cluster) })
                    try await monitor.close()
                } catch {
                    await processes.stop()
                    for k in pids.indices { progress("server \(k + 1)'s log ends:\n\(processes.tail(k))") }
                    throw error
                }
                await processes.stop()
            }
        } else {
            servers = "in the benchmark's process"
            if !queriesOnly {
                let app = try await buildApplication(BenchArguments(database: location), logger: logger)
                ingest = try await app.test(.live) { client in
                    let monitor = try await open()
                    let result = try await DayIngest.run(
                        day: day, ports: [client.port!], clients: clients, monitor: monitor, httpCases: DayQueries.httpCases(generator),
                        cpu: { CPUReading.now(servers: [], postmaster: cluster) })
                    try await monitor.close()
                    return result
                }
            }
        }
        let store = try await open()
        let size = try await database.size(store)
        try await store.close()
        if case .postgres(_, _, let psql, _) = database.kind {
            // What autovacuum does within a minute in production, done now so every run plans alike.
            try psql.run("ANALYZE")
        }
        let queries =
            ingestOnly
            ? []
            : try await DayQueries.cases(generator).asyncMap {
                try await DayQueries.measure($0, open: open, runs: runs, coldRuns: coldRuns, naive: !noNaive)
            }
        return DayRowResult(row: row, servers: servers, ingest: ingest, queries: queries, size: size)
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
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
