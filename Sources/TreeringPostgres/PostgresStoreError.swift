import TreeringCore

/// Failures of the PostgreSQL store that are not the database's own.
enum PostgresStoreError: Error, CustomStringConvertible {
    /// A frame neither found nor inserted: another frame shares its key's hashes.
    case frameNotStored(Frame)
    /// A query answered no row where one was certain.
    case noRow

    var description: String {
        switch self {
        case .frameNotStored(let frame): "frame \(frame.name.prefix(128)) could not be stored (its key collides with another)"
        case .noRow: "the database answered no row where one was expected"
        }
    }
}
