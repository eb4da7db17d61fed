/// Reads the form-encoded body of "start a session" (a plain HTML form):
/// the fields of the JSON body (`transaction`, `requests`, `time_limit_s`,
/// `interval_ms`). Unknown fields are skipped; missing or empty ones take
/// the defaults of `SessionLimits`.
public struct SessionSpecParser: Sendable {
    public var limits: SessionLimits
    /// The tag value limit (`ProfileLimits.maxStringBytes`).
    public var maxTransactionBytes: Int

    public init(limits: SessionLimits = .default, maxTransactionBytes: Int = ProfileLimits.default.maxStringBytes) {
        self.limits = limits
        self.maxTransactionBytes = maxTransactionBytes
    }

    /// Form fields, already percent-decoded; an empty value means the default.
    public func parse(form fields: [(key: String, value: String)]) throws(InputError) -> SessionSpec {
        func value(_ name: String) -> String? {
            fields.last { $0.key == name }.map(\.value).flatMap { $0.isEmpty ? nil : $0 }
        }
        let transaction = fields.last { $0.key == "transaction" }?.value
        var requests: Int64?
        if let text = value("requests") {
            guard let n = Int64(text) else {
                throw InputError.invalid("requests", "must be an integer from 1 to \(limits.maxRequests) (got \"\(text.prefix(40))\")")
            }
            requests = n
        }
        return try validated(
            transaction, requests, try number(value("time_limit_s"), "time_limit_s"),
            try number(value("interval_ms"), "interval_ms"))
    }

    private func number(_ text: String?, _ field: String) throws(InputError) -> Double? {
        guard let text else { return nil }
        guard let x = Double(text), x.isFinite else {
            throw InputError.invalid(field, "expected a number, found \"\(text.prefix(40))\"")
        }
        return x
    }

    private func validated(
        _ transaction: String?, _ requests: Int64?, _ time: Double?, _ interval: Double?
    ) throws(InputError) -> SessionSpec {
        try SessionSpec.validated(
            transaction: transaction, requests: requests, timeLimitSeconds: time, intervalMs: interval,
            limits: limits, maxTransactionBytes: maxTransactionBytes)
    }
}
