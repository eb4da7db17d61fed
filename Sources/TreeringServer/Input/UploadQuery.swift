import Foundation
import Hummingbird
import TreeringCore

/// The metadata of an upload whose format carries none (folded, speedscope),
/// from the query string: `?app=&start=&end=&interval_ms=&host=&tags=k:v,k:v`.
/// `start` and `end` default to the time of the request.
enum UploadQuery {
    static func metadata(
        _ query: Parameters, limits: ProfileLimits, now: Double = Date().timeIntervalSince1970
    ) throws -> ProfileMetadata {
        guard let app = query.get("app") else {
            throw InputError(.missingField, "app: required query parameter for this format (e.g. ?app=shop-web)")
        }
        try AppName.validate(app, path: "app")
        let start = try number(query, "start") ?? now
        let end = try number(query, "end") ?? max(now, start)
        try UnixTime.check(start, path: "start")
        try UnixTime.check(end, path: "end")
        guard end >= start else { throw InputError.invalid("end", "must be >= start (\(end) < \(start))") }
        let interval = try number(query, "interval_ms") ?? 10
        try ProfileMetadata.checkInterval(interval, path: "interval_ms")
        return ProfileMetadata(
            app: app, host: query.get("host"), start: start, end: end, intervalMs: interval,
            tags: try tags(query.get("tags"), limits: limits))
    }

    static func number(_ query: Parameters, _ name: String) throws -> Double? {
        guard let text = query.get(name) else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw InputError.invalid(name, "must be a number (got \"\(text.prefix(40))\")")
        }
        return value
    }

    /// `k:v,k:v`.
    static func tags(_ text: String?, limits: ProfileLimits) throws -> [String: String] {
        guard let text, !text.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for pair in text.split(separator: ",") {
            guard let colon = pair.firstIndex(of: ":"), colon != pair.startIndex else {
                throw InputError.invalid("tags", "expected key:value pairs separated by commas (got \"\(pair.prefix(40))\")")
            }
            out[String(pair[..<colon])] = String(pair[pair.index(after: colon)...])
        }
        try limits.validateTags(out, path: "tags")
        return out
    }
}
