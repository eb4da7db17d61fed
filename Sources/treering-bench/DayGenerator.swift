import Foundation
import TreeringCore

/// One simulated day of a Python web service watched by `agents` agents,
/// each uploading a slice every `interval` seconds, as the Python agent
/// writes them: samples at 100 Hz from a few request threads (and a little
/// from the main thread), counted per (thread, transaction tag, stack), with
/// the frame table of the frames that slice used.
///
/// Every upload draws its stacks from one shared population grown over one
/// vocabulary of `frames` frames: per transaction, a framework prefix, the
/// transaction's view, then call paths grown from shared prefixes whose
/// frames are drawn Zipf-like (a few library functions everywhere). Which
/// transaction a request is, and which stack a sample hits, are skewed too,
/// so there is a hot path. Upload `i` depends only on the seed and `i`.
struct DayGenerator: Sendable {
    var agents = 10
    var interval = 10
    var hours = 24.0
    var frames = 20_000
    var transactions = 20
    var threads = 4
    var stacksPerTransaction = 2_000
    var seed: UInt64 = 42

    /// 2024-11-24 14:53:20 UTC: not aligned to a minute, so "the day" is a
    /// "last 24 hours" query with rollups of every size and raw edges.
    static let dayStart: Double = 1_732_460_000
    static let app = "bench"

    var samplesPerUpload: Int { interval * 100 }
    var uploadCount: Int { agents * Int((hours * 3600).rounded()) / interval }
    var seconds: Double { Double(uploadCount / agents * interval) }

    /// What the cached bodies depend on; bump the version when the output changes.
    var key: String {
        "day-v1 agents=\(agents) interval=\(interval) hours=\(hours) frames=\(frames) transactions=\(transactions) threads=\(threads) stacks=\(stacksPerTransaction) seed=\(seed)"
    }

    /// Agent `a` uploads at `dayStart + a * interval / agents + k * interval`:
    /// the agents are spread over the interval, and uploads come in time order.
    func start(ofUpload i: Int) -> Double {
        let round = i / agents, agent = i % agents
        return Self.dayStart + Double(round * interval) + Double(agent * interval) / Double(agents)
    }

    func transactionName(_ t: Int) -> String {
        let verbs = ["GET", "GET", "POST", "GET", "PUT"]
        let nouns = ["orders", "cart", "products", "users", "search", "checkout", "reviews", "inventory", "payments", "shipping"]
        return "\(verbs[t % verbs.count]) /api/\(nouns[t % nouns.count])\(t >= nouns.count ? "/{id}" : "")"
    }

    func host(_ agent: Int) -> String { "web-\(agent + 1)" }
    func threadName(_ t: Int) -> String { "ThreadPoolExecutor-0_\(t)" }

    /// The shared vocabulary and stack population.
    final class Model: Sendable {
        let names: [String]
        let files: [String]
        let lines: [Int]
        /// Stacks per transaction; the last group is the main thread's background work.
        let groups: [[[Int32]]]
        /// Cumulative weights of the transactions (Zipf, s = 1).
        let transactionCDF: [Double]
        let distinctFrames: Int

        init(_ g: DayGenerator) {
            var rng = SplitMix(state: g.seed)
            let packages = [
                "django/core/handlers", "django/db/models", "django/db/backends", "django/template", "django/utils",
                "django/http", "django/middleware", "rest_framework", "shop/views", "shop/models", "shop/services",
                "shop/serializers", "requests", "urllib3", "json", "psycopg2", "redis", "celery", "jinja2", "decimal",
                "logging", "re", "ssl", "socket", "http/client", "email", "datetime", "collections", "functools", "abc",
            ]
            let verbs = [
                "get", "set", "load", "save", "render", "resolve", "execute", "fetch", "build", "parse", "encode",
                "decode", "validate", "dispatch", "handle", "call", "compile", "iter", "read", "write",
            ]
            let nouns = [
                "queryset", "row", "field", "template", "context", "response", "request", "cursor", "node",
                "token", "value", "item", "cache", "session", "model", "result", "chunk", "header", "user", "price",
            ]
            var names: [String] = [], files: [String] = [], lines: [Int] = []
            let fixed = [
                "<module>", "run", "serve_forever", "process_request_thread", "finish_request", "__call__",
                "get_response", "_get_response",
            ]
            for i in 0..<g.frames {
                let package = packages[i % packages.count]
                if i < fixed.count {
                    names.append(fixed[i])
                } else if i < fixed.count + g.transactions {
                    names.append("\(g.transactionName(i - fixed.count).split(separator: " ")[0].lowercased())_\(i)_view")
                } else {
                    names.append("\(verbs[Int(rng.next(below: 20))])_\(nouns[Int(rng.next(below: 20))])_\(i)")
                }
                files.append("/srv/app/.venv/lib/python3.12/site-packages/\(package)/module_\(i % 997).py")
                lines.append(1 + Int(rng.next(below: 2_000)))
            }
            // Library frames, drawn Zipf-like: a few (the ORM's execute, a
            // template's render) appear under every transaction.
            let libraryStart = fixed.count + g.transactions + 1
            let library = g.frames - libraryStart
            var cdf: [Double] = []
            var sum = 0.0
            for k in 0..<library {
                sum += 1 / Double(k + 1)
                cdf.append(sum)
            }
            cdf = cdf.map { $0 / sum }
            func libraryFrame(_ rng: inout SplitMix) -> Int32 {
                Int32(libraryStart + Self.pick(cdf, &rng))
            }
            func grow(root: [Int32], count: Int, _ rng: inout SplitMix) -> [[Int32]] {
                // Each new stack extends a prefix of an earlier one (never
                // cutting into the root), as call paths do.
                var stacks = [root]
                while stacks.count < count {
                    let base = stacks[Int(rng.next(below: UInt64(stacks.count)))]
                    let keep = root.count + Int(rng.next(below: UInt64(base.count - root.count + 1)))
                    var stack = Array(base.prefix(keep))
                    for _ in 0..<(1 + Int(rng.next(below: 4))) where stack.count < 64 { stack.append(libraryFrame(&rng)) }
                    stacks.append(stack)
                }
                return stacks
            }
            let prefix = (0..<fixed.count).map(Int32.init)
            var groups: [[[Int32]]] = []
            for t in 0..<g.transactions {
                groups.append(grow(root: prefix + [Int32(fixed.count + t)], count: g.stacksPerTransaction, &rng))
            }
            // The main thread: a scheduler loop, flushing metrics and such.
            groups.append(grow(root: [0, 1, Int32(fixed.count + g.transactions)], count: g.stacksPerTransaction / 2, &rng))
            var tcdf: [Double] = []
            var tsum = 0.0
            for t in 0..<g.transactions {
                tsum += 1 / Double(t + 1)
                tcdf.append(tsum)
            }
            self.names = names
            self.files = files
            self.lines = lines
            self.groups = groups
            self.transactionCDF = tcdf.map { $0 / tsum }
            self.distinctFrames = Set(groups.joined().joined()).count
        }

        /// An index drawn from cumulative weights.
        static func pick(_ cdf: [Double], _ rng: inout SplitMix) -> Int {
            let r = Double(rng.next() >> 11) / Double(1 << 53)
            var lo = 0, hi = cdf.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cdf[mid] < r { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }

        /// A stack of a group: low indices (the short, early stacks) are hot.
        static func stack(count: Int, _ rng: inout SplitMix) -> Int {
            let r = Double(rng.next() >> 11) / Double(1 << 53)
            return min(count - 1, Int(r * r * r * Double(count)))
        }
    }

    struct Upload {
        var json: [UInt8]
        var samples: Int
    }

    /// Upload `i` as the agent would send it (before gzip).
    func upload(_ i: Int, model: Model) -> Upload {
        var rng = SplitMix(state: seed ^ (UInt64(i + 1) &* 0xD6E8_FEB8_6659_FD93))
        // (thread, group, stack) -> count; group == transactions is untagged main-thread work.
        struct Key: Hashable {
            var thread: Int32
            var group: Int32
            var stack: Int32
        }
        var counts: [Key: Int] = [:]
        var order: [Key] = []
        func add(_ key: Key) {
            if let c = counts[key] {
                counts[key] = c + 1
            } else {
                counts[key] = 1
                order.append(key)
            }
        }
        let total = samplesPerUpload
        let background = total / 20
        let perThread = (total - background) / threads
        for th in 0..<threads {
            var left = perThread
            while left > 0 {
                // One request: a transaction, then a run of samples inside it.
                let t = Model.pick(model.transactionCDF, &rng)
                let group = model.groups[t]
                var n = min(left, 1 + Int(rng.next(below: 30)))
                left -= n
                while n > 0 {
                    add(Key(thread: Int32(th), group: Int32(t), stack: Int32(Model.stack(count: group.count, &rng))))
                    n -= 1
                }
            }
        }
        let bg = model.groups[transactions]
        for _ in 0..<(total - perThread * threads) {
            add(Key(thread: -1, group: Int32(transactions), stack: Int32(Model.stack(count: bg.count, &rng))))
        }

        // The frame table holds the frames this slice used, in first-use order.
        var local: [Int32: Int] = [:]
        var used: [Int32] = []
        for key in order {
            for f in model.groups[Int(key.group)][Int(key.stack)] where local[f] == nil {
                local[f] = used.count
                used.append(f)
            }
        }
        let agent = i % agents
        let start = start(ofUpload: i)
        var out: [UInt8] = []
        out.reserveCapacity(used.count * 110 + order.count * 140 + 512)
        out.append(
            contentsOf:
                #"{"format":"treering/1","app":"\#(Self.app)","host":"\#(host(agent))","pid":\#(4000 + agent),"runtime":"CPython 3.12.7","agent":"treering-python 0.1.0","start":\#(start),"end":\#(start + Double(interval)),"interval_ms":10,"tags":{"env":"prod","version":"2024.11.3"},"frames":["#
                .utf8)
        for (j, f) in used.enumerated() {
            if j > 0 { out.append(UInt8(ascii: ",")) }
            out.append(
                contentsOf: #"{"name":"\#(model.names[Int(f)])","file":"\#(model.files[Int(f)])","line":\#(model.lines[Int(f)])}"#.utf8)
        }
        out.append(contentsOf: #"],"samples":["#.utf8)
        for (j, key) in order.enumerated() {
            if j > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"stack":["#.utf8)
            for (k, f) in model.groups[Int(key.group)][Int(key.stack)].enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: String(local[f]!).utf8)
            }
            let thread = key.thread < 0 ? "MainThread" : threadName(Int(key.thread))
            out.append(contentsOf: #"],"count":\#(counts[key]!),"thread":"\#(thread)""#.utf8)
            if key.group < transactions {
                out.append(contentsOf: #","tags":{"transaction":"\#(transactionName(Int(key.group)))"}"#.utf8)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
        return Upload(json: out, samples: total)
    }
}
