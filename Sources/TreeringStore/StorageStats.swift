/// Where a store's bytes go, for the benchmarks.
public struct StorageStats: Sendable {
    public struct Table: Sendable {
        public var name: String
        public var bytes: Int
        public init(name: String, bytes: Int) {
            self.name = name
            self.bytes = bytes
        }
    }
    public struct Resolution: Sendable {
        public var seconds: Int
        public var rows: Int
        public var treeBytes: Int
        public init(seconds: Int, rows: Int, treeBytes: Int) {
            self.seconds = seconds
            self.rows = rows
            self.treeBytes = treeBytes
        }
    }
    /// Bytes per table or index, largest first (empty when the backend cannot tell).
    public var tables: [Table]
    /// Rows of the main tables.
    public var rows: [String: Int]
    /// Rollup rows and tree bytes per resolution.
    public var rollups: [Resolution]

    public init(tables: [Table], rows: [String: Int], rollups: [Resolution]) {
        self.tables = tables
        self.rows = rows
        self.rollups = rollups
    }
}
