/// Failures of the store that are not SQLite's own.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case frameIDSpaceExhausted
    /// A write would pass one of `StoreLimits`: nothing was written.
    case limitReached(limit: String, message: String)
    /// The file at start-up is not a database this Treering can use; it was not changed.
    case unusableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .frameIDSpaceExhausted: "the frame table has used every 31-bit id"
        case .limitReached(_, let message): message
        case .unusableFile(let path, let reason): "\(path): \(reason); the file was left as it is"
        }
    }
}
