import Foundation

/// The daily partitions this process knows exist, so an upload creates
/// none and checks none in the common case. Another process's retention
/// may drop one: an insert that then fails forgets them all and retries.
final class KnownPartitions: @unchecked Sendable {
    private let lock = NSLock()
    private var known: Set<PartitionDay> = []

    /// Those of `days` not known to exist.
    func missing(_ days: Set<PartitionDay>) -> [PartitionDay] {
        lock.withLock { days.subtracting(known).sorted { ($0.table, $0.day) < ($1.table, $1.day) } }
    }

    func remember(_ days: [PartitionDay]) {
        lock.withLock { known.formUnion(days) }
    }

    func forgetAll() {
        lock.withLock { known.removeAll() }
    }
}
