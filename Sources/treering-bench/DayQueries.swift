import Foundation
import TreeringCore
import TreeringStore

/// The app queries of the dashboard on the day's database, through the
/// store in the bench's own process: rollups (`queryTree`) beside the naive
/// merge of every upload of the range (`queryTreeNaively`), checked equal.
enum DayQueries {
    struct Case {
        var name: String
        var query: AppQuery
    }

    struct Result {
        var name: String
        var cold: [Double]
        var warm: [Double]
        var naiveCold: [Double]
        var naiveWarm: [Double]
        var nodes: Int
        var samples: Int64
        var same: Bool
    }

    /// The three queries of the issue: the simulated span, one hour in its
    /// middle, and the busiest transaction over the span.
    static func cases(_ g: DayGenerator) -> [Case] {
        let from = DayGenerator.dayStart, until = from + g.seconds
        let hourStart = from + (g.seconds >= 7_200 ? ((g.seconds / 2 / 3_600).rounded(.down) * 3_600) : 0)
        let span = g.seconds >= 86_400 ? "whole day (24 h)" : String(format: "whole run (%g h)", g.seconds / 3_600)
        let transaction = g.transactionName(0)
        return [
            Case(name: span, query: AppQuery(app: DayGenerator.app, from: from, until: until)),
            Case(name: "one hour", query: AppQuery(app: DayGenerator.app, from: hourStart, until: hourStart + 3_600)),
            Case(
                name: "`transaction=\(transaction)`, \(g.seconds >= 86_400 ? "whole day" : "whole run")",
                query: AppQuery(app: DayGenerator.app, from: from, until: until, filter: LabelFilter(["transaction": [transaction]]))),
        ]
    }

    /// The same ranges over HTTP (`GET /api/v1/query`).
    static func httpCases(_ g: DayGenerator) -> [(String, String)] {
        let from = Int(DayGenerator.dayStart), until = from + Int(g.seconds)
        let hour = from + (g.seconds >= 7_200 ? Int((g.seconds / 2 / 3_600).rounded(.down)) * 3_600 : 0)
        return [
            (g.seconds >= 86_400 ? "whole day" : "whole run", "/api/v1/query?app=\(DayGenerator.app)&from=\(from)&until=\(until)"),
            ("one hour", "/api/v1/query?app=\(DayGenerator.app)&from=\(hour)&until=\(hour + 3_600)"),
        ]
    }

    /// Cold: the first query on a freshly opened store (new connections:
    /// SQLite's page cache is per connection and starts empty; PostgreSQL's
    /// shared buffers and the OS file cache stay warm). Warm: repeated on
    /// the same store.
    static func measure(
        _ c: Case, open: () async throws -> any ProfileStore, runs: Int, coldRuns: Int, naive measureNaive: Bool
    ) async throws -> Result {
        progress("query \(c.name):")
        var cold: [Double] = [], warm: [Double] = []
        var tree: LoadedTree?
        for k in 0..<coldRuns {
            let db = try await open()
            let t = Measure.now()
            tree = try await db.queryTree(c.query)
            cold.append(Measure.since(t))
            if k == coldRuns - 1 {
                for _ in 0..<runs {
                    let t = Measure.now()
                    tree = try await db.queryTree(c.query)
                    warm.append(Measure.since(t))
                }
            }
            try await db.close()
        }
        guard let tree else { throw BenchError("query \(c.name): the app is unknown") }
        progress(
            String(
                format: "  rollups: cold p50 %.1f ms, warm p50 %.1f ms; %d nodes, %d samples",
                Measure.percentile(cold, 0.5) * 1000, Measure.percentile(warm, 0.5) * 1000, tree.tree.nodeCount, tree.tree.totalCount))
        guard measureNaive else {
            return Result(
                name: c.name, cold: cold, warm: warm, naiveCold: [], naiveWarm: [],
                nodes: tree.tree.nodeCount, samples: tree.tree.totalCount, same: false)
        }
        // The naive baseline: fewer repetitions when slow.
        var naiveCold: [Double] = [], naiveWarm: [Double] = []
        var naive: LoadedTree?
        var db: (any ProfileStore)?
        repeat {
            if let db { try await db.close() }
            db = try await open()
            let t = Measure.now()
            naive = try await db!.queryTreeNaively(c.query)
            naiveCold.append(Measure.since(t))
        } while naiveCold.count < coldRuns && naiveCold.reduce(0, +) < 5
        repeat {
            let t = Measure.now()
            naive = try await db!.queryTreeNaively(c.query)
            naiveWarm.append(Measure.since(t))
        } while naiveWarm.count < runs && naiveWarm.reduce(0, +) < 10
        try await db?.close()
        guard let naive else { throw BenchError("naive query \(c.name): the app is unknown") }
        let same =
            tree.tree.totalCount == naive.tree.totalCount && tree.tree.nodeCount == naive.tree.nodeCount
            && fingerprint(tree.tree) == fingerprint(naive.tree)
        progress(
            String(
                format: "  naive: cold %.0f ms (%d runs), warm p50 %.0f ms (%d runs); %d nodes, %d samples; same tree: %@",
                Measure.percentile(naiveCold, 0.5) * 1000, naiveCold.count, Measure.percentile(naiveWarm, 0.5) * 1000,
                naiveWarm.count, naive.tree.nodeCount, naive.tree.totalCount, same ? "yes" : "NO"))
        return Result(
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

    static func table(_ results: [Result]) -> String {
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
