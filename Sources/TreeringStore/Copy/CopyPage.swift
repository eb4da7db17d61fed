/// A page of a table's rows for `treering copy`, and where the next starts.
public struct CopyPage: Sendable {
    public var rows: [StoreRow]
    /// The cursor value to read after; nil when the table is done.
    public var next: Int64?

    public init(rows: [StoreRow], next: Int64?) {
        self.rows = rows
        self.next = next
    }
}
