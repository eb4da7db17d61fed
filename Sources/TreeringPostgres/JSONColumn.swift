import Foundation

/// Columns that hold a JSON array of strings (threads, hosts, key apps).
enum JSONColumn {
    /// The strings of the array; empty for NULL or text that is not one.
    static func strings(_ text: String?) -> [String] {
        guard let text else { return [] }
        return (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}
