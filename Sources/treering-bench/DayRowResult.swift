/// What one row measured.
struct DayRowResult {
    var row: DayRow
    /// How the servers ran: "1 `treering serve` process", "in the bench's process".
    var servers: String
    var ingest: DayIngest?
    var queries: [DayQueries.Result]
    var size: DaySize
}
