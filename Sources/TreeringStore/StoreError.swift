/// Failures of the store that are not SQLite's own.
public enum StoreError: Error, CustomStringConvertible {
    case frameIDSpaceExhausted

    public var description: String {
        switch self {
        case .frameIDSpaceExhausted: "the frame table has used every 31-bit id"
        }
    }
}
