/// Failures of the store that are not its database library's own.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case frameIDSpaceExhausted
    /// A write would pass one of `StoreLimits`: nothing was written.
    case limitReached(limit: String, message: String)
    /// The file at start-up is not a database this Treering can use; it was not changed.
    case unusableFile(path: String, reason: String)
    /// A copied row does not have its table's columns.
    case copyRowShape(table: String, columns: Int)
    /// The store's location (a file path or a `postgres://` URL) cannot be used.
    case badLocation(String)

    public var description: String {
        switch self {
        case .frameIDSpaceExhausted: "the frame table has used every 31-bit id"
        case .limitReached(_, let message): message
        case .unusableFile(let path, let reason): "\(path): \(reason); the file was left as it is"
        case .copyRowShape(let table, let columns): "a copied \(table) row has \(columns) values, not its table's columns"
        case .badLocation(let message): message
        }
    }
}
