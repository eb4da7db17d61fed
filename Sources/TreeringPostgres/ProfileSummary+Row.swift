import PostgresNIO
import TreeringCore
import TreeringStore

/// A `profile` row joined with its app's name, as `select` reads it.
extension ProfileSummary {
    static let select = """
        SELECT p.id, a.name, p.share_token, p.host, p.pid, p.runtime, p.agent, p.start, p."end", p.interval_ms,
               p.tags, p.threads, p.samples, p.stacks, p.created_at
        FROM profile p JOIN app a ON a.id = p.app_id
        """

    typealias Row = (Int64, String, String, String?, Int64?, String?, String?, Double, Double, Double, String, String, Int64, Int64, Double)

    static func all(_ rows: PostgresRowSequence) async throws -> [ProfileSummary] {
        var summaries: [ProfileSummary] = []
        for try await row in rows.decode(Row.self) { summaries.append(ProfileSummary(row)) }
        return summaries
    }

    init(_ row: Row) {
        let (id, app, token, host, pid, runtime, agent, start, end, interval, tags, threads, samples, stacks, createdAt) = row
        let meta = ProfileMetadata(
            app: app, host: host, pid: pid.flatMap { Int(exactly: $0) }, runtime: runtime, agent: agent, start: start, end: end,
            intervalMs: interval, tags: SeriesLabels.decode(tags))
        self.init(
            id: id, shareToken: token, metadata: meta, threads: JSONColumn.strings(threads), samples: samples,
            stacks: Int(clamping: stacks), createdAt: createdAt)
    }
}
