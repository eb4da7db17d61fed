/// A running session as agents see it: which transaction to record, how
/// often to sample, and until when.
public struct ActiveSession: Sendable, Equatable {
    public var id: Int64
    public var app: String
    public var transaction: String
    public var intervalMs: Double
    public var until: Double

    public init(id: Int64, app: String, transaction: String, intervalMs: Double, until: Double) {
        self.id = id
        self.app = app
        self.transaction = transaction
        self.intervalMs = intervalMs
        self.until = until
    }
}
