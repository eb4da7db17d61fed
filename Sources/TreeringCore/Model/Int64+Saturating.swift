extension Int64 {
    /// Adds sample counts without trapping: a sum past `Int64.max` stays at
    /// the max. Counts are checked per upload, but a rollup or a query adds
    /// up any number of uploads, and an overflow there would stop the server.
    @inline(__always)
    public mutating func addSaturating(_ x: Int64) {
        let (sum, overflow) = addingReportingOverflow(x)
        self = overflow ? (x > 0 ? .max : .min) : sum
    }
}
