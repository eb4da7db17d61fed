/// What a new session asks for: "profile the next `requests` requests of
/// `transaction`, sampling every `intervalMs`, for at most `timeLimitSeconds`".
public struct SessionSpec: Sendable, Equatable {
    public var transaction: String
    public var requests: Int
    public var timeLimitSeconds: Double
    public var intervalMs: Double

    public init(transaction: String, requests: Int, timeLimitSeconds: Double, intervalMs: Double) {
        self.transaction = transaction
        self.requests = requests
        self.timeLimitSeconds = timeLimitSeconds
        self.intervalMs = intervalMs
    }

    /// Fills in the defaults and checks every rule, naming the field.
    /// `maxTransactionBytes` is the tag value limit: the transaction is
    /// matched against the `transaction` tag of uploads.
    public static func validated(
        transaction: String?, requests: Int64?, timeLimitSeconds: Double?, intervalMs: Double?,
        limits: SessionLimits, maxTransactionBytes: Int
    ) throws(InputError) -> SessionSpec {
        guard let transaction else { throw InputError.missing("transaction") }
        guard !transaction.isEmpty else { throw InputError.invalid("transaction", "must not be empty") }
        try NameText.check(transaction, "transaction")
        guard transaction.utf8.count <= maxTransactionBytes else {
            throw InputError.limit("transaction", "longer than the limit of \(maxTransactionBytes) bytes")
        }
        let requests = requests ?? Int64(limits.defaultRequests)
        guard (1...Int64(limits.maxRequests)).contains(requests) else {
            throw InputError.invalid("requests", "must be an integer from 1 to \(limits.maxRequests) (got \(requests))")
        }
        let time = timeLimitSeconds ?? limits.defaultTimeLimitSeconds
        guard time >= 1, time <= limits.maxTimeLimitSeconds else {
            throw InputError.invalid(
                "time_limit_s", "must be a number of seconds from 1 to \(number(limits.maxTimeLimitSeconds)) (got \(number(time)))")
        }
        let interval = intervalMs ?? limits.defaultIntervalMs
        guard interval >= limits.minIntervalMs, interval <= limits.maxIntervalMs else {
            throw InputError.invalid(
                "interval_ms",
                "must be a number of milliseconds from \(number(limits.minIntervalMs)) to \(number(limits.maxIntervalMs)) (got \(number(interval)))"
            )
        }
        return SessionSpec(transaction: transaction, requests: Int(requests), timeLimitSeconds: time, intervalMs: interval)
    }

    /// 600 rather than 600.0 in messages.
    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}
