import Foundation

/// Label sets already written as canonical JSON, shared by concurrent
/// uploads. Bounded: emptied when it holds more than `limit` sets (label
/// values are the agent's to choose, so their number is not).
package final class CanonicalJSONCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [[String: String]: String] = [:]
    let limit: Int

    package init(limit: Int = 10_000) {
        self.limit = limit
    }

    subscript(labels: [String: String]) -> String? {
        get { lock.withLock { entries[labels] } }
        set {
            lock.withLock {
                if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
                entries[labels] = newValue
            }
        }
    }
}
