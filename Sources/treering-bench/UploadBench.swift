import ArgumentParser
import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import TreeringCore
import TreeringSQLite
import TreeringServer
import TreeringStore

/// `treering-bench upload` (the default): one large upload through each step of ingest.
struct UploadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Measures ingest of a large upload: parse+merge against Foundation's JSON parser, storage, export, HTTP, memory.")

    @Flag(help: "Smaller sizes (100,000 samples) for a quick check.")
    var quick = false

    @Option(help: "Runs per measurement; the median is reported.")
    var runs = 3

    @Option(help: .hidden)
    var measureMemoryOf: String?

    func run() async throws {
        if let file = measureMemoryOf { return try measureMemory(file) }
        let samples = quick ? 100_000 : 1_000_000
        let stacks = quick ? 10_000 : 100_000
        let generator = UploadGenerator(samples: samples, distinctStacks: stacks, frames: 20_000)
        print("generating \(samples) samples over \(stacks) distinct stacks and 20000 frames...")
        let bytes = generator.json()
        let size = Double(bytes.count)
        print("upload: \(Measure.mb(bytes.count)) of JSON\n")

        // Baseline: Foundation parsing the same bytes into generic objects.
        let data = Data(bytes)
        let foundation = try Measure.median(runs: runs) { _ = try JSONSerialization.jsonObject(with: data) }

        // Parse + merge, the work of an ingest before storage.
        var profile: Profile!
        let parse = try Measure.median(runs: runs) { profile = try TreeringJSONParser(limits: bigLimits).parse(bytes) }
        let mergeAll = Measure.median(runs: runs) { _ = profile.mergedTree() }
        let mergeSeries = Measure.median(runs: runs) { _ = profile.treesByLabels() }
        profile = nil
        var kept: (Profile, [(labels: SampleLabels, tree: CallTree)])!
        let parseAndMerge = try Measure.median(runs: runs) {
            kept = nil
            let p = try TreeringJSONParser(limits: bigLimits).parse(bytes)
            kept = (p, p.treesByLabels())
        }
        let peakGrowth = try memoryInFreshProcess(bytes)
        let mergedTree = kept.0.mergedTree()
        print("| step | time | throughput | vs. JSONSerialization |")
        print("| --- | --- | --- | --- |")
        print("| JSONSerialization.jsonObject (baseline) | \(Measure.ms(foundation)) | \(rate(samples, size, foundation)) | 1.00x |")
        print("| TreeringJSONParser.parse | \(Measure.ms(parse)) | \(rate(samples, size, parse)) | \(ratio(foundation, parse)) |")
        print("| + merge into one tree | \(Measure.ms(mergeAll)) | | |")
        print("| + merge into per-series trees | \(Measure.ms(mergeSeries)) | | |")
        print(
            "| parse + per-series merge (ingest path) | \(Measure.ms(parseAndMerge)) | \(rate(samples, size, parseAndMerge)) | \(ratio(foundation, parseAndMerge)) |"
        )
        print(
            "\nmemory: parse + merge grew the peak RSS by \(Measure.mb(peakGrowth)) = \(String(format: "%.2f", Double(peakGrowth) / size))x the upload's size (goal: under 5x)"
        )
        print("merged tree: \(mergedTree.nodeCount) nodes, \(mergedTree.stackCount) distinct stacks, \(kept.1.count) series\n")

        try await storage(profile: kept.0, merged: mergedTree, series: kept.1.map(\.tree))
        kept = nil
        try await http(bytes: bytes, samples: samples)
    }

    /// Peak memory of parse + merge, measured in a fresh process that only
    /// reads the upload and parses it: in this one, freed buffers of earlier
    /// steps would hide the growth.
    func memoryInFreshProcess(_ bytes: [UInt8]) throws -> Int {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("treering-bench-\(UUID().uuidString).json")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        p.arguments = ["upload", "--measure-memory-of", file.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard let growth = Int(out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ValidationError("memory measurement failed: \(out)")
        }
        return growth
    }

    func measureMemory(_ file: String) throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        Measure.resetPeak()
        let before = Measure.memory().current
        let profile = try TreeringJSONParser(limits: bigLimits).parse(bytes)
        let trees = profile.treesByLabels()
        let growth = Measure.memory().peak - before
        withExtendedLifetime((profile, trees)) { print(growth) }
    }

    var bigLimits: ProfileLimits {
        var limits = ProfileLimits()
        limits.maxSamples = 10_000_000
        return limits
    }

    /// Insert and export times, and the two stored forms of a call tree side by side.
    func storage(profile: Profile, merged: CallTree, series: [CallTree]) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("treering-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var run = 0
        var id: Int64 = 0
        var db: SQLiteStore!
        let insert = try await Measure.medianAsync(runs: runs) {
            run += 1
            db = try SQLiteStore(path: folder.appendingPathComponent("bench-\(run).sqlite").path)
            id = try await db.saveProfile(profile).id
        }
        var loaded: LoadedTree!
        let load = try await Measure.medianAsync(runs: runs) { loaded = try await db.profileTree(id: id) }
        var json: [UInt8] = []
        let jsonTime = Measure.median(runs: runs) { json = loaded.json() }
        var folded = ""
        let foldedTime = Measure.median(runs: runs) { folded = loaded.folded }
        print("| storage step | time | size |")
        print("| --- | --- | --- |")
        print("| saveProfile (intern frames, one tree per series, commit) | \(Measure.ms(insert)) | |")
        print("| profileTree (read blobs, decode, merge, frames) | \(Measure.ms(load)) | |")
        print("| tree JSON export | \(Measure.ms(jsonTime)) | \(Measure.mb(json.count)) |")
        print("| folded export | \(Measure.ms(foldedTime)) | \(Measure.mb(folded.utf8.count)) |")

        // The two stored forms measured for the choice made in TreeBlobCodec.
        let treeBlobs = series.map { TreeBlobCodec.encode($0) }
        let stackBlobs = series.map { StackBlobCodec.encode($0) }
        let treeBytes = treeBlobs.reduce(0) { $0 + $1.count }
        let stackBytes = stackBlobs.reduce(0) { $0 + $1.count }
        let treeEncode = Measure.median(runs: runs) { _ = series.map { TreeBlobCodec.encode($0) } }
        let stackEncode = Measure.median(runs: runs) { _ = series.map { StackBlobCodec.encode($0) } }
        let copies = quick ? 100 : 20
        let treeMerge = try Measure.median(runs: runs) {
            var all = CallTree()
            for _ in 0..<copies { for blob in treeBlobs { all.merge(try TreeBlobCodec.decode(blob)) } }
        }
        // What queries and rollups run on these blobs: no CallTree per blob.
        let treeMerger = try Measure.median(runs: runs) {
            var merger = TreeMerger()
            for _ in 0..<copies { for blob in treeBlobs { try merger.add(blob) } }
            _ = merger.finish()
        }
        let stackMerge = try Measure.median(runs: runs) {
            var all = CallTree()
            for _ in 0..<copies { for blob in stackBlobs { all.merge(try StackBlobCodec.decode(blob)) } }
        }
        print("\n| stored form (\(series.count) series trees) | bytes | encode | decode + merge x\(copies) |")
        print("| --- | --- | --- | --- |")
        print("| tree nodes (TreeBlobCodec, chosen) | \(Measure.mb(treeBytes)) | \(Measure.ms(treeEncode)) | \(Measure.ms(treeMerge)) |")
        print("| tree nodes through TreeMerger (queries, rollups) | \(Measure.mb(treeBytes)) | | \(Measure.ms(treeMerger)) |")
        print("| stack list (StackBlobCodec) | \(Measure.mb(stackBytes)) | \(Measure.ms(stackEncode)) | \(Measure.ms(stackMerge)) |")
        print(
            String(
                format: "tree nodes: %.2fx smaller, %.2fx faster to decode and merge\n",
                Double(stackBytes) / Double(treeBytes), stackMerge / treeMerge))
    }

    /// The same upload through the real application on a loopback port.
    func http(bytes: [UInt8], samples: Int) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("treering-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // zlib's default level, as DayBodies does.
        var plainBody = ByteBuffer(bytes: bytes)
        let gz = Array(try plainBody.compress(with: .gzip()).readableBytesView)
        let app = try await buildApplication(BenchArguments(database: folder.appendingPathComponent("http.sqlite").path))
        try await app.test(.live) { client in
            let plain = try await Measure.medianAsync(runs: runs) {
                let r = try await client.execute(
                    uri: "/api/v1/ingest", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: bytes))
                guard r.status == .created else { throw ValidationError("ingest answered \(r.status)") }
            }
            let compressed = try await Measure.medianAsync(runs: runs) {
                let r = try await client.execute(
                    uri: "/api/v1/ingest", method: .post,
                    headers: [.contentType: "application/json", .contentEncoding: "gzip"], body: ByteBuffer(bytes: gz))
                guard r.status == .created else { throw ValidationError("ingest answered \(r.status)") }
            }
            print("| over HTTP (loopback, real app, limits raised to 512 MB) | time per upload | samples/s |")
            print("| --- | --- | --- |")
            print("| plain JSON, \(Measure.mb(bytes.count)) | \(Measure.ms(plain)) | \(Int(Double(samples) / plain)) |")
            print("| gzip, \(Measure.mb(gz.count)) | \(Measure.ms(compressed)) | \(Int(Double(samples) / compressed)) |")
        }
    }

    func rate(_ samples: Int, _ size: Double, _ seconds: Double) -> String {
        String(format: "%.2fM samples/s, %.0f MB/s", Double(samples) / seconds / 1e6, size / seconds / 1e6)
    }

    func ratio(_ baseline: Double, _ t: Double) -> String { String(format: "%.2fx faster", baseline / t) }
}
