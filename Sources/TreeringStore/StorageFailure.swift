/// A failure of the storage below the store, sorted by what the client
/// should do: `full` (disk full: 507, retry once space is freed),
/// `busy` (locked, an I/O error, the database unreachable: 503, retry
/// soon). Nothing of the failed write was kept; reads go on working.
public enum StorageFailure: Sendable, Equatable, CustomStringConvertible {
    case full
    case busy
    case damaged

    /// The failure behind `error`, or nil if it is not one of storage.
    public init?(_ error: any Error) {
        guard let failure = (error as? any StorageFailureReporting)?.storageFailure else { return nil }
        self = failure
    }

    public var description: String {
        switch self {
        case .full: "disk full"
        case .busy: "storage busy or failing"
        case .damaged: "database damaged"
        }
    }
}

/// An error of a backend's database library that can say which storage
/// failure it is (each backend conforms its library's error type).
public protocol StorageFailureReporting: Error {
    var storageFailure: StorageFailure? { get }
}
