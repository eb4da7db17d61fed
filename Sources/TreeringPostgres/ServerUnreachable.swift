import TreeringStore

/// Refused at once because the watch saw the database server go away: a
/// 503 with Retry-After now, rather than a request held for the minute
/// the pool spends retrying.
struct ServerUnreachable: Error, StorageFailureReporting, CustomStringConvertible {
    var storageFailure: StorageFailure? { .busy }
    var description: String { "the PostgreSQL server is unreachable" }
}
