import Foundation
import TreeringCore

/// The labels that name a series: the upload's host and tags, the sample's
/// thread and tags (a sample's tag wins over the upload's of the same key).
/// Stored as canonical JSON (sorted keys) so equal label sets are one row.
package enum SeriesLabels {
    /// Labels of the series that holds all of an app's series merged (the
    /// rollups'). Stored labels are canonical JSON objects, so no real
    /// series can have these.
    package static let all = "*"

    /// Upload tags under this prefix describe that one upload (the agent's
    /// `treering.overhead_ms`, `treering.samples`, ...): a new value every
    /// upload, so as labels they would make each upload its own series. They
    /// stay in the profile's metadata.
    package static let uploadOnlyPrefix = "treering."

    package static func labels(metadata: ProfileMetadata, sample: SampleLabels) -> [String: String] {
        var labels = metadata.tags.filter { !$0.key.hasPrefix(uploadOnlyPrefix) }
        if let host = metadata.host { labels["host"] = host }
        for tag in sample.tags { labels[tag.key] = tag.value }
        if let thread = sample.thread { labels["thread"] = thread }
        return labels
    }

    /// Each upload names ~35 series and the same few hundred label sets recur
    /// all day: JSONEncoder for each was 2% of ingest's CPU.
    private static let known = CanonicalJSONCache()

    package static func canonicalJSON(_ labels: [String: String]) -> String {
        if let json = known[labels] { return json }
        let json = encodeCanonically(labels)
        known[labels] = json
        return json
    }

    private static func encodeCanonically(_ labels: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(labels)) ?? Data("{}".utf8), as: UTF8.self)
    }

    package static func decode(_ json: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }
}
