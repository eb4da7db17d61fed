import Testing

@testable import TreeringCore

@Suite struct SessionSpecTests {
    @Test func formFieldsReadAsTheirJSONTwins() throws {
        let spec = try SessionSpecParser().parse(form: [
            ("transaction", "GET /"), ("requests", "20"), ("time_limit_s", "30"), ("interval_ms", ""),
        ])
        #expect(spec == SessionSpec(transaction: "GET /", requests: 20, timeLimitSeconds: 30, intervalMs: 5))
        #expect(throws: InputError.invalid("requests", "must be an integer from 1 to 1000 (got \"many\")")) {
            try SessionSpecParser().parse(form: [("transaction", "GET /"), ("requests", "many")])
        }
    }

    @Test func limitsAreSettings() throws {
        var limits = SessionLimits()
        limits.maxRequests = 5
        let parser = SessionSpecParser(limits: limits, maxTransactionBytes: 8)
        #expect(throws: InputError.invalid("requests", "must be an integer from 1 to 5 (got 6)")) {
            try parser.parse(form: [("transaction", "GET /"), ("requests", "6")])
        }
        #expect(throws: InputError.limit("transaction", "longer than the limit of 8 bytes")) {
            try parser.parse(form: [("transaction", "GET /orders")])
        }
    }

    @Test func requestTagsNameTheRequestItsWallTimeAndTheTransaction() throws {
        let tags = ["treering.request": "abc", "treering.wall_ms": "61.250", "transaction": "GET /"]
        #expect(
            try SessionRequestTags(tags: tags, transaction: "GET /", limits: .default) == SessionRequestTags(request: "abc", wallMs: 61.25))
        var other = tags
        other["transaction"] = "GET /health"
        #expect(throws: InputError.self) { try SessionRequestTags(tags: other, transaction: "GET /", limits: .default) }
    }

    @Test func aRunningSessionPastItsDeadlineIsExpired() {
        #expect(SessionState.running.at(99, until: 100) == .running)
        #expect(SessionState.running.at(100, until: 100) == .expired)
        #expect(SessionState.done.at(200, until: 100) == .done)
    }
}
