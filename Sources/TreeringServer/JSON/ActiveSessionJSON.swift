import TreeringStore

/// A running session as agents read it, in the poll answer and in every
/// ingest answer.
struct ActiveSessionJSON: Encodable {
    var id: Int64
    var transaction: String
    var intervalMs: Double
    var until: Double

    init(_ s: ActiveSession) {
        id = s.id
        transaction = s.transaction
        intervalMs = s.intervalMs
        until = s.until
    }
}
