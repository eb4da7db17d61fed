import Foundation
import TreeringSQLite
import TreeringStore

/// The database of one row: a SQLite file, or a PostgreSQL database
/// `treering_bench_<n>` created through the admin URL. Fresh for an ingest
/// run; an existing one for `--queries-only`.
struct BenchDatabase {
    enum Kind {
        case sqlite(path: String, keep: Bool)
        /// `emptyBytes`: `pg_database_size` before any table, taken off the per-sample figure.
        case postgres(admin: PSQL, name: String, psql: PSQL, emptyBytes: Int)
    }

    var kind: Kind

    /// Where the server and the store open it: a path or a `postgres://` URL.
    var location: String {
        switch kind {
        case .sqlite(let path, _): return path
        case .postgres(_, _, let psql, _): return psql.url
        }
    }

    static func sqlite(path: String, fresh: Bool, keep: Bool) throws -> BenchDatabase {
        if fresh {
            guard !FileManager.default.fileExists(atPath: path) else {
                throw BenchError("\(path) exists: the benchmark fills a fresh database (remove it, or pass --queries-only)")
            }
        } else {
            guard FileManager.default.fileExists(atPath: path) else { throw BenchError("--queries-only needs an existing --database") }
        }
        return BenchDatabase(kind: .sqlite(path: path, keep: keep))
    }

    static func postgres(admin: PSQL, name: String, fresh: Bool) throws -> BenchDatabase {
        let exists = try admin.int("SELECT count(*) FROM pg_database WHERE datname = '\(name)'") > 0
        if fresh {
            guard !exists else {
                throw BenchError("database \(name) exists: the benchmark fills a fresh one (DROP DATABASE \(name), or pass --queries-only)")
            }
            try admin.run("CREATE DATABASE \(name)")
        } else {
            guard exists else { throw BenchError("--queries-only needs the database \(name) of an earlier run with --keep") }
        }
        let psql = try admin.database(name)
        let empty = fresh ? try psql.int("SELECT pg_database_size(current_database())") : 0
        return BenchDatabase(kind: .postgres(admin: admin, name: name, psql: psql, emptyBytes: empty))
    }

    /// Removes what the run made, unless kept.
    func drop(keep: Bool) throws {
        switch kind {
        case .sqlite(let path, let keepFile):
            guard !keep && !keepFile else { return }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        case .postgres(let admin, let name, _, _):
            guard !keep else { return }
            try admin.run("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }

    /// The bytes on disk after the run and where they go.
    func size(_ store: any ProfileStore) async throws -> DaySize {
        if let sqlite = store as? SQLiteStore { try await sqlite.checkpointAndTruncate() }
        let stats = try await store.storageStats()
        switch kind {
        case .sqlite(let path, _):
            func size(_ p: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: p))?[.size] as? Int) ?? 0 }
            let (file, wal) = (size(path), size(path + "-wal"))
            return DaySize(
                total: file + wal, overhead: 0,
                what: "file + WAL (checkpointed): \(Measure.mb(file)) + \(Measure.mb(wal))", stats: stats)
        case .postgres(_, _, let psql, let empty):
            let total = try psql.int("SELECT pg_database_size(current_database())")
            let tables = stats.tables.reduce(0) { $0 + $1.bytes }
            return DaySize(
                total: total, overhead: empty,
                what:
                    "`pg_database_size` \(Measure.mb(total)), of which \(Measure.mb(empty)) an empty database's catalog and \(Measure.mb(tables)) Treering's tables and indexes (WAL not counted: it is the cluster's, recycled)",
                stats: stats)
        }
    }
}
