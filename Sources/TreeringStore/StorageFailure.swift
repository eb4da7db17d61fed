import GRDB

/// A failure of the storage below the store, sorted by what the client
/// should do: `full` (disk full: 507, retry once space is freed),
/// `busy` (locked or an I/O error: 503, retry soon). Nothing of the failed
/// write was kept; reads go on working.
public enum StorageFailure: Sendable, Equatable, CustomStringConvertible {
    case full
    case busy
    case damaged

    /// The failure behind `error`, or nil if it is not one of storage.
    public init?(_ error: any Error) {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: self = .full
        case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PROTOCOL: self = .busy
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: self = .damaged
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .full: "disk full"
        case .busy: "storage busy or failing"
        case .damaged: "database damaged"
        }
    }
}
