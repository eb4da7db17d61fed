import Testing

@testable import TreeringCore

@Suite struct RollupPlanTests {
    /// Runs and slivers tile [from, until) without gaps or overlaps.
    func expectTiles(_ plan: RollupPlan, _ from: Double, _ until: Double) {
        var pieces = plan.runs.map { (Double($0.start), Double($0.end)) } + plan.slivers.map { ($0.from, $0.until) }
        pieces.sort { $0.0 < $1.0 }
        var at = from
        for (a, b) in pieces {
            #expect(a == at)
            at = b
        }
        #expect(at == until || (pieces.isEmpty && from == until))
    }

    @Test func coversARangeExactlyWithFewBuckets() {
        var rng = SplitMix(state: 42)
        for _ in 0..<500 {
            let from = Double(rng.next(below: 10_000_000)) + Double(rng.next(below: 1000)) / 1000
            let until = from + Double(rng.next(below: 8 * 86_400))
            let plan = RollupPlan(from: from, until: until)
            expectTiles(plan, from, until)
            for run in plan.runs { #expect(run.start % run.resolution == 0 && run.count > 0) }
            for sliver in plan.slivers { #expect(sliver.until - sliver.from < 60) }
            #expect(plan.slivers.count <= 2)
            // A week, unaligned: at most 2 partial days of hours, 10-minute and minute edges.
            #expect(plan.bucketCount <= 8 + 2 * 23 + 2 * 5 + 2 * 9)
        }
    }

    @Test func bucketsNotBuiltYetAreReadAsFinerOnes() {
        var rng = SplitMix(state: 7)
        for _ in 0..<300 {
            let from = 1_732_406_400 + Double(rng.next(below: 4 * 86_400)) + 0.5
            let until = from + Double(rng.next(below: 3 * 86_400))
            let newest = from + Double(rng.next(below: 3 * 86_400))
            var built: [Int64: Int64] = [:]
            for r in RollupPlan.resolutions.dropFirst() { built[r] = RollupPlan.closedEnd(newestStart: newest, resolution: r) }
            let plan = RollupPlan(from: from, until: until, builtThrough: built)
            expectTiles(plan, from, until)
            for run in plan.runs where run.resolution > 60 { #expect(run.end <= built[run.resolution]!) }
        }
        // The last, open hour of a day becomes 10-minute and minute buckets.
        let start: Double = 1_732_406_400
        let plan = RollupPlan(
            from: start, until: start + 86_400,
            builtThrough: [600: Int64(start) + 86_400 - 600, 3_600: Int64(start) + 82_800, 86_400: Int64(start)])
        #expect(
            plan.runs == [
                .init(resolution: 3_600, start: Int64(start), count: 23),
                .init(resolution: 600, start: Int64(start) + 82_800, count: 5),
                .init(resolution: 60, start: Int64(start) + 85_800, count: 10),
            ])
    }

    @Test func anUnalignedDayIsAboutFiftyReads() {
        let plan = RollupPlan(from: 1_732_460_123.4, until: 1_732_460_123.4 + 86_400)
        #expect(plan.bucketCount < 60)
        #expect(plan.runs.contains { $0.resolution == 3_600 && $0.count >= 22 })
    }

    @Test func timeExpressionsAreUnixSecondsOrRelativeToNow() throws {
        #expect(try TimeExpression.parse("1732460000", now: 5_000, path: "from") == 1_732_460_000)
        #expect(try TimeExpression.parse("now", now: 5_000, path: "from") == 5_000)
        #expect(try TimeExpression.parse("now-1h", now: 5_000, path: "from") == 1_400)
        #expect(try TimeExpression.parse("now-15m", now: 5_000, path: "from") == 4_100)
        #expect(try TimeExpression.parse("now+1d", now: 0, path: "until") == 86_400)
        for bad in ["yesterday", "now-1y", "now-", "-5", "now1h", "1e999"] {
            #expect(throws: InputError.self) { try TimeExpression.parse(bad, now: 5_000, path: "from") }
        }
        #expect(DurationText.seconds("30d") == 2_592_000)
        #expect(DurationText.seconds("30") == nil)
    }

    @Test func labelFilterOrsValuesAndAndsLabels() {
        let filter = LabelFilter(["transaction": ["A", "B"], "host": ["h1"]])
        #expect(filter.matches(["transaction": "A", "host": "h1", "thread": "t"]))
        #expect(filter.matches(["transaction": "B", "host": "h1"]))
        #expect(!filter.matches(["transaction": "C", "host": "h1"]))
        #expect(!filter.matches(["transaction": "A", "host": "h2"]))
        #expect(!filter.matches(["transaction": "A"]))
        #expect(LabelFilter().matches([:]))
    }
}
