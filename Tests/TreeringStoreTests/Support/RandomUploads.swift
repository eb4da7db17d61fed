import TreeringCore

@testable import TreeringSQLite
@testable import TreeringStore

/// Random uploads spread over three days, so ranges cross minute, 10-minute,
/// hour and day buckets; the answer of a query must equal merging, by hand,
/// the samples of every upload whose start is in the range.
struct RandomUploads {
    static let day: Double = 86_400
    static let origin: Double = 1_732_406_400  // a UTC midnight
    static let vocabulary = (0..<30).map { Frame(name: "f\($0)", file: "m\($0 % 5).py", line: $0) }
    static let transactions = ["GET /orders", "POST /cart", "GET /"]
    static let hosts = ["web-1", "web-2"]

    var profiles: [Profile] = []

    init(seed: UInt64, count: Int) {
        var rng = SplitMix(state: seed)
        for _ in 0..<count {
            // Clustered near bucket edges as well as spread out.
            let start = Self.origin + Double(rng.next(below: 3 * 86_400)) + Double(rng.next(below: 1000)) / 1000
            var stacks: [([Frame], Int64, String?, [String: String])] = []
            for _ in 0..<(1 + rng.next(below: 6)) {
                let depth = 1 + Int(rng.next(below: 6))
                let stack = (0..<depth).map { _ in Self.vocabulary[Int(rng.next(below: UInt64(Self.vocabulary.count)))] }
                let transaction = Self.transactions[Int(rng.next(below: 3))]
                stacks.append(
                    (stack, Int64(1 + rng.next(below: 20)), rng.next(below: 2) == 0 ? "MainThread" : "worker", ["transaction": transaction])
                )
            }
            var profile = makeProfile(start: start, stacks: stacks)
            profile.metadata.host = Self.hosts[Int(rng.next(below: 2))]
            profiles.append(profile)
        }
    }

    /// Stack (function names joined) → samples, over uploads in the range and samples the filter keeps.
    func expected(_ query: AppQuery) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for p in profiles where p.metadata.start >= query.from && p.metadata.start < query.until {
            for i in 0..<p.samples.count {
                let sample = p.labels[Int(p.samples.labelIDs[i])]
                var labels = p.metadata.tags
                labels["host"] = p.metadata.host
                for tag in sample.tags { labels[tag.key] = tag.value }
                labels["thread"] = sample.thread
                guard query.filter.matches(labels) else { continue }
                let names = p.samples.stack(i).map { p.frames.frames[Int($0)].name }.joined(separator: ";")
                out[names, default: 0] += p.samples.counts[i]
            }
        }
        return out
    }
}
