import Hummingbird
import TreeringStore

extension StorageFailure {
    /// 507 for a full disk, 503 otherwise, each with `Retry-After`: nothing
    /// of the request was stored, and sending it again later is safe.
    var apiError: APIError {
        switch self {
        case .full:
            APIError(
                .insufficientStorage, code: "storage_full",
                message: "the server's disk is full: nothing was stored; send again later", headers: [.retryAfter: "60"])
        case .busy:
            APIError(
                .serviceUnavailable, code: "storage_unavailable",
                message: "the server's storage is busy or failing: nothing was stored; send again later", headers: [.retryAfter: "5"])
        case .damaged:
            APIError(
                .serviceUnavailable, code: "storage_damaged",
                message: "the server's database is damaged: nothing was stored; the operator was told in the log",
                headers: [.retryAfter: "60"])
        }
    }
}
