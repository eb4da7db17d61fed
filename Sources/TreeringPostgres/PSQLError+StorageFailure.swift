import PostgresNIO
import TreeringStore

/// The database unreachable or overloaded: busy (503, retry soon); its disk
/// full: full (507).
extension PSQLError: StorageFailureReporting {
    public var storageFailure: StorageFailure? {
        switch code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown,
            .poolClosed:
            return .busy
        case .server:
            guard let state = serverInfo?[.sqlState] else { return nil }
            switch state {
            case "53100": return .full  // disk_full
            // Too many connections, out of memory, lock or statement timeouts,
            // serialization failures and deadlocks, the server shutting down.
            case "53000", "53200", "53300", "55P03", "57014", "40001", "40P01", "57P01", "57P02", "57P03": return .busy
            default: return nil
            }
        default:
            return nil
        }
    }
}
