import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import TreeringServer

/// `treering-bench diff`: the compare API on two large trees, beside the two
/// single-tree answers it is made of, in the same run and over the same
/// loopback HTTP; and a function's callers/callees.
struct DiffBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Measures GET /api/v1/diff of two ~100,000-node trees beside the two single tree answers, and callers/callees.")

    @Option(help: "Distinct stacks per side (the trees have somewhat more nodes).")
    var stacks = 50_000

    @Option(help: "Runs per measurement; the median is reported.")
    var runs = 7

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("treering-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let app = try await buildApplication(BenchArguments(database: folder.appendingPathComponent("diff.sqlite").path))
        try await app.test(.live) { client in
            // Two uploads of the same service: the same stacks, other counts
            // (another seed for the draws), so most nodes are on both sides.
            var ids: [String] = []
            for seed in [42, 43] as [UInt64] {
                say("uploading side \(ids.count + 1) (\(stacks) distinct stacks)...")
                let body = UploadGenerator(samples: stacks * 3, distinctStacks: stacks, frames: 20_000, sampleSeed: seed).json()
                let r = try await client.execute(
                    uri: "/api/v1/ingest", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body))
                guard r.status == .created else { throw ValidationError("ingest answered \(r.status)") }
                let id = String(buffer: r.body).split(separator: "\"").drop { $0 != "id" }.dropFirst(2).first.map(String.init)
                guard let id else { throw ValidationError("no id in the ingest answer") }
                ids.append(id)
            }
            func get(_ uri: String) async throws -> Int {
                let r = try await client.execute(uri: uri, method: .get)
                guard r.status == .ok else { throw ValidationError("\(uri) answered \(r.status): \(String(buffer: r.body))") }
                return r.body.readableBytes
            }
            func nodes(_ uri: String) async throws -> Int {
                let r = try await client.execute(uri: uri, method: .get)
                let json = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]
                return ((json?["nodes"] as? [String: Any])?["parent"] as? [Any])?.count ?? 0
            }
            let (a, b) = (ids[0], ids[1])
            let diffURI = "/api/v1/diff?base.profile=\(a)&target.profile=\(b)"
            say(
                "trees: \(try await nodes("/api/v1/profiles/\(a)/tree")) and \(try await nodes("/api/v1/profiles/\(b)/tree")) nodes; diff: \(try await nodes(diffURI)) nodes\n"
            )
            var sizes: [String: Int] = [:]
            let single = try await Measure.medianAsync(runs: runs) {
                sizes["single"] = try await get("/api/v1/profiles/\(a)/tree")
                sizes["single"]! += try await get("/api/v1/profiles/\(b)/tree")
            }
            let diff = try await Measure.medianAsync(runs: runs) { sizes["diff"] = try await get(diffURI) }
            let folded = try await Measure.medianAsync(runs: runs) {
                sizes["folded"] = try await get("/api/v1/diff/folded?base.profile=\(a)&target.profile=\(b)")
            }
            // The hottest function: the root's first child's frame, the biggest by the tree's order.
            let r = try await client.execute(uri: "/api/v1/profiles/\(b)/tree", method: .get)
            let tree = try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any]
            let names = (tree?["frames"] as? [String: Any])?["name"] as? [String] ?? []
            let frame = ((tree?["nodes"] as? [String: Any])?["frame"] as? [Int])?[1] ?? 0
            let function = names[frame].addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let callers = try await Measure.medianAsync(runs: runs) {
                _ = try await get("/api/v1/profiles/\(b)/callers?function=\(function)")
            }
            let callees = try await Measure.medianAsync(runs: runs) {
                _ = try await get("/api/v1/profiles/\(b)/callees?function=\(function)")
            }
            print("| answer (loopback HTTP, median of \(runs)) | time | size | vs. the two single trees |")
            print("| --- | ---: | ---: | ---: |")
            print("| two single trees, one after the other (baseline) | \(Measure.ms(single)) | \(Measure.mb(sizes["single"]!)) | 1.00x |")
            print(
                "| `GET /api/v1/diff` | \(Measure.ms(diff)) | \(Measure.mb(sizes["diff"]!)) | \(String(format: "%.2fx", diff / single)) |")
            print(
                "| `GET /api/v1/diff/folded` | \(Measure.ms(folded)) | \(Measure.mb(sizes["folded"]!)) | \(String(format: "%.2fx", folded / single)) |"
            )
            print("| callers of the hottest function (one tree) | \(Measure.ms(callers)) | | |")
            print("| callees of the hottest function (one tree) | \(Measure.ms(callees)) | | |")
            print("\ngoal: the diff answer under 300 ms on the release build: \(diff < 0.3 ? "met" : "NOT met")")
        }
    }
}
