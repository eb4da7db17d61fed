import GRDB
import TreeringStore

extension DatabaseError: StorageFailureReporting {
    public var storageFailure: StorageFailure? {
        switch resultCode {
        case .SQLITE_FULL: .full
        case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PROTOCOL: .busy
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: .damaged
        default: nil
        }
    }
}
