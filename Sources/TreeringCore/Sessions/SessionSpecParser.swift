/// Reads the body of "start a session": a JSON object
/// `{"transaction": "...", "requests": 20, "time_limit_s": 600, "interval_ms": 5}`
/// or the same fields form-encoded (a plain HTML form). Unknown fields are
/// skipped; missing ones take the defaults of `SessionLimits`.
public struct SessionSpecParser: Sendable {
    public var limits: SessionLimits
    /// The tag value limit (`ProfileLimits.maxStringBytes`).
    public var maxTransactionBytes: Int

    public init(limits: SessionLimits = .default, maxTransactionBytes: Int = ProfileLimits.default.maxStringBytes) {
        self.limits = limits
        self.maxTransactionBytes = maxTransactionBytes
    }

    public func parse(json bytes: [UInt8]) throws(InputError) -> SessionSpec {
        var transaction: String?
        var requests: Int64?
        var time: Double?
        var interval: Double?
        do {
            try bytes.withUnsafeBufferPointer { buffer in
                var scanner = JSONScanner(buffer)
                guard scanner.peek() == UInt8(ascii: "{") else {
                    throw InputError(.malformedJSON, "malformed JSON at byte \(scanner.pos): expected an object, found \(scanner.describeNext())")
                }
                try scanner.expect(UInt8(ascii: "{"))
                var first = true
                while let key = try scanner.nextKey(first: &first) {
                    // null means "the default", as a missing field does.
                    if try scanner.consumeNull() { continue }
                    if scanner.rawEquals(key, "transaction") {
                        guard scanner.peek() == UInt8(ascii: "\"") else { throw scanner.typeError("transaction", "a string") }
                        transaction = scanner.string(try scanner.rawString())
                    } else if scanner.rawEquals(key, "requests") {
                        guard scanner.nextIsNumber() else { throw scanner.typeError("requests", "an integer") }
                        do {
                            requests = try scanner.integer()
                        } catch let error as JSONScanner.SyntaxError {
                            throw InputError.invalid("requests", "must be an integer from 1 to \(limits.maxRequests) (\(error.message))")
                        }
                    } else if scanner.rawEquals(key, "time_limit_s") {
                        guard scanner.nextIsNumber() else { throw scanner.typeError("time_limit_s", "a number") }
                        time = try scanner.number()
                    } else if scanner.rawEquals(key, "interval_ms") {
                        guard scanner.nextIsNumber() else { throw scanner.typeError("interval_ms", "a number") }
                        interval = try scanner.number()
                    } else {
                        // Skipped without recursion, and no deeper than an upload may nest.
                        guard try scanner.skipValue(depthAllowed: TreeringJSONParser.maxNesting - 1) else {
                            throw InputError.limit(
                                String(scanner.string(key).prefix(40)), "JSON nested deeper than \(TreeringJSONParser.maxNesting) levels")
                        }
                    }
                }
                guard scanner.peek() == nil else { throw scanner.error("data after the end of the object") }
            }
        } catch {
            throw InputError.fromParsing(error)
        }
        return try validated(transaction, requests, time, interval)
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
        return try validated(transaction, requests, try number(value("time_limit_s"), "time_limit_s"),
                             try number(value("interval_ms"), "interval_ms"))
    }

    private func number(_ text: String?, _ field: String) throws(InputError) -> Double? {
        guard let text else { return nil }
        guard let x = Double(text), x.isFinite else {
            throw InputError.invalid(field, "expected a number, found \"\(text.prefix(40))\"")
        }
        return x
    }

    private func validated(_ transaction: String?, _ requests: Int64?, _ time: Double?, _ interval: Double?) throws(InputError) -> SessionSpec {
        try SessionSpec.validated(
            transaction: transaction, requests: requests, timeLimitSeconds: time, intervalMs: interval,
            limits: limits, maxTransactionBytes: maxTransactionBytes)
    }
}
