import Foundation
import TreeringCore

/// How a share keeps its label filter.
package enum LabelFilterJSON {
    /// Filters as JSON `{"label": ["value", ...], "other!": [...]}` (a key
    /// ending in `!` excludes), values sorted so equal filters read the same.
    package static func encode(_ filter: LabelFilter) throws -> String {
        let sorted = filter.keyed.mapValues { $0.sorted() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(sorted), as: UTF8.self)
    }

    package static func decode(_ text: String) throws -> LabelFilter {
        let allowed = try JSONDecoder().decode([String: [String]].self, from: Data(text.utf8))
        return LabelFilter(keyed: allowed.mapValues(Set.init))
    }
}
