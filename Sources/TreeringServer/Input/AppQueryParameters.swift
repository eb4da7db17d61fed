import Foundation
import Hummingbird
import TreeringCore
import TreeringStore

/// A query's range and filters from the query string:
/// `from`/`until` (Unix seconds or `now-1h`; default the last hour), and
/// every other parameter a label filter, repeated to allow several values.
enum AppQueryParameters {
    /// Parameters that are not labels.
    /// `share`: the token of a shared query a keyless viewer reads through.
    /// `expires_in`: how long a new share link lasts.
    static let reserved: Set<String> = ["app", "from", "until", "step", "share", "expires_in"]

    static func parse(
        _ query: Parameters, app: String, maxRangeSeconds: Double = ServerLimits.default.maxQueryRangeSeconds,
        retentionSeconds: Double? = nil, now: Double = Date().timeIntervalSince1970
    ) throws -> AppQuery {
        func time(_ name: String, _ fallback: Double) throws -> Double {
            guard let text = query.get(name) else { return fallback }
            return try TimeExpression.parse(text, now: now, path: name)
        }
        var from = try time("from", now - 3_600)
        let until = try time("until", now)
        guard until > from else { throw InputError.invalid("until", "must be after from (\(until) <= \(from))") }
        // Nothing older than the retention is kept: `from=0` means "all there is".
        if let retentionSeconds, until > now - retentionSeconds { from = max(from, (now - retentionSeconds).rounded(.down)) }
        guard until - from <= maxRangeSeconds else {
            throw InputError.invalid(
                "from",
                "the range from \(number(from)) to \(number(until)) is longer than the limit of "
                    + "\(DurationText.describe(maxRangeSeconds)) (--max-query-range)")
        }
        // `label=value` keeps, `label!=value` (the key `label!`) leaves out.
        var keyed: [String: Set<String>] = [:]
        for (key, value) in query where !reserved.contains(String(key)) {
            keyed[String(key), default: []].insert(String(value))
        }
        return AppQuery(app: app, from: from, until: until, filter: LabelFilter(keyed: keyed))
    }

    /// `step` in seconds (a multiple of 60), or one that gives at most ~240 points.
    static func step(_ query: Parameters, range: Double, maxPoints: Int = ServerLimits.default.maxTimelinePoints) throws -> Int64 {
        if let text = query.get("step") {
            let seconds = DurationText.seconds(text) ?? Double(text)
            guard let seconds, seconds >= 60, seconds <= UnixTime.max, seconds.truncatingRemainder(dividingBy: 60) == 0 else {
                throw InputError.invalid("step", "must be a whole number of minutes, at least 60 s (e.g. 60, 5m, 1h)")
            }
            guard range / seconds <= Double(maxPoints) else {
                throw InputError.invalid(
                    "step",
                    "gives \(Int64((range / seconds).rounded(.up))) points for this range, more than the limit of \(maxPoints) (--max-timeline-points)"
                )
            }
            return Int64(seconds)
        }
        let steps: [Int64] = [60, 300, 600, 1_800, 3_600, 10_800, 21_600, 43_200, 86_400]
        return steps.first { range / Double($0) <= 240 } ?? 86_400
    }

    /// The query string that asks the API for `query` again: app, the
    /// absolute range and every filter value.
    static func queryString(_ query: AppQuery) -> String {
        var items = [("app", query.app), ("from", number(query.from)), ("until", number(query.until))]
        for (label, values) in query.filter.keyed.sorted(by: { $0.key < $1.key }) {
            items += values.sorted().map { (label, $0) }
        }
        return items.map { "\(Links.escape($0.0))=\(Links.escape($0.1))" }.joined(separator: "&")
    }

    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}
