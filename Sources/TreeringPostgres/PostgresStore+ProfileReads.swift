import Foundation
import PostgresNIO
import TreeringCore
import TreeringStore

extension PostgresStore {
    /// Profiles newest first; `before` is the id of the last profile of the previous page.
    public func listProfiles(app: String?, limit: Int, before: Int64?) async throws -> [ProfileSummary] {
        let rows = try await client.query(
            """
            \(unescaped: ProfileSummary.select)
            WHERE (\(app)::text IS NULL OR a.name = \(app)) AND (\(before)::bigint IS NULL OR p.id < \(before))
            ORDER BY p.id DESC LIMIT \(Int64(max(0, limit)))
            """,
            logger: logger)
        return try await ProfileSummary.all(rows)
    }

    public func profile(id: Int64) async throws -> ProfileSummary? {
        let rows = try await client.query(
            "\(unescaped: ProfileSummary.select) WHERE p.id = \(id)", logger: logger)
        return try await ProfileSummary.all(rows).first
    }

    public func profile(shareToken: String) async throws -> ProfileSummary? {
        let rows = try await client.query(
            "\(unescaped: ProfileSummary.select) WHERE p.share_token = \(shareToken)", logger: logger)
        return try await ProfileSummary.all(rows).first
    }

    /// The profile's call tree, merged across its series; with `byThread`,
    /// each thread becomes a root frame of its own.
    public func profileTree(id: Int64, byThread: Bool) async throws -> LoadedTree? {
        let logger = self.logger
        let loaded: (Double, [(String, Data)])? = try await read { conn in
            guard
                let (interval, start) = try await conn.query(
                    "SELECT interval_ms, start FROM profile WHERE id = \(id)", logger: logger
                ).firstRow((Double, Double).self)
            else { return nil }
            var rows: [(String, Data)] = []
            let trees = try await conn.query(
                """
                SELECT s.labels, t.tree FROM profile_tree t JOIN series s ON s.id = t.series_id
                WHERE t.profile_id = \(id) AND t.start = \(start) ORDER BY t.series_id
                """, logger: logger)
            for try await row in trees.decode((String, Data).self) { rows.append(row) }
            return (interval, rows)
        }
        guard let (interval, rows) = loaded else { return nil }
        return try await loadedProfile(rows, byThread: byThread, intervalMs: interval)
    }

    /// Frame rows by id.
    public func frames(ids: Set<Int32>) async throws -> [Int32: Frame] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await client.query(
            "SELECT id, name, file, line FROM frame WHERE id = ANY(\(ids.map(Int64.init))::bigint[])", logger: logger)
        var result: [Int32: Frame] = [:]
        for try await (id, name, file, line) in rows.decode((Int64, String, String, Int64).self) {
            guard let id = Int32(exactly: id) else { continue }
            result[id] = Frame(name: name, file: file, line: Int(clamping: line))
        }
        return result
    }

    /// Apps that have sent profiles, most recently seen first.
    public func listApps() async throws -> [AppSummary] {
        let rows = try await client.query(
            """
            SELECT a.name, count(p.id), LEAST(COALESCE(sum(p.samples), 0), 9223372036854775807)::bigint,
                   min(p.start), max(p."end"),
                   ARRAY(SELECT DISTINCT h.host FROM profile h WHERE h.app_id = a.id AND h.host IS NOT NULL)
            FROM app a JOIN profile p ON p.app_id = a.id
            GROUP BY a.id ORDER BY max(p."end") DESC
            """, logger: logger)
        var apps: [AppSummary] = []
        for try await (name, profiles, samples, first, last, hosts) in rows.decode((String, Int64, Int64, Double, Double, [String]).self) {
            apps.append(
                AppSummary(
                    name: name, profiles: Int(clamping: profiles), samples: samples, firstSeen: first, lastSeen: last,
                    hosts: hosts.sorted()))
        }
        return apps
    }
}
