import TreeringStore
import _ConnectionPoolModule

/// The pool gave up making connections (the server unreachable for a
/// while): busy, retry later.
extension ConnectionPoolError: StorageFailureReporting {
    public var storageFailure: StorageFailure? { .busy }
}
