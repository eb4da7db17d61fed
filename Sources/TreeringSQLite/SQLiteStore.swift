import Foundation
import GRDB
import TreeringCore
import TreeringStore

/// Owns the SQLite database: opens it in WAL mode, runs the migrations, and
/// offers every read and write the server needs, each one transaction.
public final class SQLiteStore: ProfileStore {
    let writer: DatabasePool
    let frameCache = FrameIDCache()
    /// The running sessions, kept current by every write that opens or closes one.
    public let activeSessions: ActiveSessionCache
    let limits: StoreLimits
    /// The last cap each app ran into, for the dashboard.
    public let capNotices = CapNotices()

    /// How hard a commit is pushed to disk. `.normal` survives a crash of the
    /// process (`kill -9`); `.full` also survives a power cut, at an fsync per upload.
    public enum Durability: String, Sendable, CaseIterable {
        case normal, full
    }

    public init(
        path: String, durability: Durability = .normal, busyTimeout: TimeInterval = 5, limits: StoreLimits = .default
    ) throws {
        self.limits = limits
        try Self.checkExistingFile(path)
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(busyTimeout)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability == .full ? "FULL" : "NORMAL")")
            // Measured on `treering-bench day` (README): stored trees are
            // blobs of 1-100 KB, so 16 KB pages (new files only) need fewer
            // overflow pages and reads, and reading through a memory map
            // saves a pread per page (Debian's SQLite maps only the first
            // 2 GB, its SQLITE_MAX_MMAP_SIZE, whatever is asked; a build
            // without that cap maps all 64 GiB). Checkpoints are the
            // server's `WALCheckpointer`'s job; SQLite's own one, in a
            // commit, only when the log passes 256 MB (a process without
            // the checkpointer).
            try db.execute(sql: "PRAGMA page_size = 16384")
            try db.execute(sql: "PRAGMA mmap_size = 68719476736")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
            // When the log starts over, its file is cut back to 64 MB.
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        writer = try DatabasePool(path: path, configuration: config)
        try Self.migrator.migrate(writer)
        activeSessions = ActiveSessionCache(try writer.read { db in try Self.runningSessions(db) })
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE app (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE
                    );
                    -- Frames are interned per app: call trees store these ids.
                    CREATE TABLE frame (
                        id INTEGER PRIMARY KEY,
                        app_id INTEGER NOT NULL REFERENCES app(id),
                        name TEXT NOT NULL,
                        file TEXT NOT NULL,
                        line INTEGER NOT NULL,
                        UNIQUE (app_id, name, file, line)
                    );
                    CREATE TABLE profile (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        app_id INTEGER NOT NULL REFERENCES app(id),
                        share_token TEXT NOT NULL UNIQUE,
                        host TEXT,
                        pid INTEGER,
                        runtime TEXT,
                        agent TEXT,
                        start REAL NOT NULL,
                        "end" REAL NOT NULL,
                        interval_ms REAL NOT NULL,
                        tags TEXT NOT NULL,
                        threads TEXT NOT NULL,
                        samples INTEGER NOT NULL,
                        stacks INTEGER NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE INDEX profile_app ON profile(app_id, id);
                    CREATE INDEX profile_app_start ON profile(app_id, start);
                    -- A series is an app plus one set of labels (host, thread, tags).
                    CREATE TABLE series (
                        id INTEGER PRIMARY KEY,
                        app_id INTEGER NOT NULL REFERENCES app(id),
                        labels TEXT NOT NULL,
                        UNIQUE (app_id, labels)
                    );
                    -- One call tree per profile and series, as a TreeBlobCodec blob.
                    CREATE TABLE profile_tree (
                        profile_id INTEGER NOT NULL REFERENCES profile(id) ON DELETE CASCADE,
                        series_id INTEGER NOT NULL REFERENCES series(id),
                        samples INTEGER NOT NULL,
                        tree BLOB NOT NULL,
                        PRIMARY KEY (profile_id, series_id)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2 rollups") { db in
            try db.execute(
                sql: """
                    -- Call trees already merged per series and time bucket (see RollupPlan):
                    -- a bucket holds every profile of the series whose start is in
                    -- [bucket, bucket + resolution) and whose id <= rollup_state.rolled_up_to.
                    -- The series labelled '*' of an app holds all its series together.
                    CREATE TABLE rollup (
                        series_id INTEGER NOT NULL REFERENCES series(id),
                        resolution INTEGER NOT NULL,
                        bucket INTEGER NOT NULL,
                        samples INTEGER NOT NULL,
                        tree BLOB NOT NULL,
                        PRIMARY KEY (series_id, resolution, bucket)
                    ) WITHOUT ROWID;
                    CREATE TABLE rollup_state (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        rolled_up_to INTEGER NOT NULL,
                        -- Bumped by every change to rollup rows: a worker that read
                        -- an older version writes nothing and starts again.
                        version INTEGER NOT NULL
                    );
                    INSERT INTO rollup_state (id, rolled_up_to, version) VALUES (1, 0, 0);
                    CREATE INDEX profile_start ON profile(start);
                    """)
        }
        migrator.registerMigration("v3 shared queries") { db in
            try db.execute(
                sql: """
                    -- A query (app, absolute range, label filters) kept under a share
                    -- token, so the link answers the same question later.
                    CREATE TABLE shared_query (
                        token TEXT PRIMARY KEY,
                        app_id INTEGER NOT NULL REFERENCES app(id),
                        range_from REAL NOT NULL,
                        range_until REAL NOT NULL,
                        filter TEXT NOT NULL,
                        created_at REAL NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v4 sessions") { db in
            try db.execute(
                sql: """
                    -- A targeted session: "profile the next N requests of one
                    -- transaction". Kept apart from profiles: no series, no rollups.
                    CREATE TABLE session (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        app_id INTEGER NOT NULL REFERENCES app(id),
                        share_token TEXT NOT NULL UNIQUE,
                        transaction_name TEXT NOT NULL,
                        requests_wanted INTEGER NOT NULL,
                        interval_ms REAL NOT NULL,
                        time_limit_s REAL NOT NULL,
                        created_at REAL NOT NULL,
                        until REAL NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('running', 'done', 'expired', 'stopped')),
                        closed_at REAL,
                        count INTEGER NOT NULL DEFAULT 0 CHECK (count <= requests_wanted)
                    );
                    CREATE INDEX session_app ON session(app_id, id);
                    CREATE INDEX session_created ON session(created_at);
                    CREATE INDEX session_running ON session(until) WHERE state = 'running';
                    -- One recorded request: its call tree across threads, frames
                    -- interned per app as for profiles.
                    CREATE TABLE session_request (
                        id INTEGER PRIMARY KEY,
                        session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                        request TEXT NOT NULL,
                        wall_ms REAL NOT NULL,
                        host TEXT,
                        threads TEXT NOT NULL,
                        samples INTEGER NOT NULL,
                        received_at REAL NOT NULL,
                        tree BLOB NOT NULL,
                        UNIQUE (session_id, request)
                    );
                    CREATE INDEX session_request_wall ON session_request(session_id, wall_ms DESC);
                    """)
        }
        migrator.registerMigration("v5 rollups built on close") { db in
            try db.execute(
                sql: """
                    -- Coarse buckets (10 minutes and up) are built once, from the
                    -- finer ones, after they closed; queries read finer buckets in
                    -- the place of those not built yet. A bucket of a resolution
                    -- is built when it ends at or before its 'through'.
                    CREATE TABLE rollup_built (
                        resolution INTEGER PRIMARY KEY,
                        through INTEGER NOT NULL
                    );
                    -- The newest upload start rolled up: buckets close behind it.
                    ALTER TABLE rollup_state ADD COLUMN newest_start REAL NOT NULL DEFAULT 0;
                    UPDATE rollup_state SET newest_start =
                        COALESCE((SELECT MAX(start) FROM profile WHERE id <= rollup_state.rolled_up_to), 0);
                    -- Building reads one resolution's buckets in a time range across series.
                    CREATE INDEX rollup_time ON rollup(resolution, bucket);
                    """)
            // Rows written before this were kept whole for every bucket, so
            // those already closed count as built; open ones are rebuilt when they close.
            let newest = try Double.fetchOne(db, sql: "SELECT newest_start FROM rollup_state WHERE id = 1") ?? 0
            for resolution in RollupPlan.resolutions.dropFirst() {
                try db.execute(
                    sql: "INSERT INTO rollup_built (resolution, through) VALUES (?, ?)",
                    arguments: [resolution, max(0, RollupPlan.closedEnd(newestStart: newest, resolution: resolution))])
            }
        }
        migrator.registerMigration("v6 api keys") { db in
            try db.execute(
                sql: """
                    -- Keys for agents and people; only a hash of each secret is kept.
                    CREATE TABLE api_key (
                        id INTEGER PRIMARY KEY,
                        name TEXT,
                        scope TEXT NOT NULL CHECK (scope IN ('ingest', 'read', 'admin')),
                        apps TEXT NOT NULL DEFAULT '[]',
                        secret_hash BLOB NOT NULL UNIQUE,
                        created_at REAL NOT NULL,
                        last_used_at REAL,
                        revoked_at REAL
                    );
                    """)
        }
        migrator.registerMigration("v7 share expiry") { db in
            // A shared query may be made to end; revoking one deletes it.
            try db.execute(sql: "ALTER TABLE shared_query ADD COLUMN expires_at REAL")
        }
        migrator.registerMigration("v8 shared comparisons") { db in
            // Both sides as the diff API's query string, ranges made absolute.
            try db.execute(
                sql: """
                    CREATE TABLE shared_comparison (
                        token TEXT PRIMARY KEY,
                        sides TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        expires_at REAL
                    );
                    """)
        }
        migrator.registerMigration("v9 app settings") { db in
            // Per-app choices of the dashboard, e.g. which packages are the app's own.
            try db.execute(
                sql: """
                    CREATE TABLE app_setting (
                        app_id INTEGER PRIMARY KEY REFERENCES app(id) ON DELETE CASCADE,
                        my_packages TEXT NOT NULL DEFAULT '[]'
                    );
                    """)
        }
        migrator.registerMigration("v10 sign-ins") { db in
            // Browser sign-ins, by the SHA-256 of the cookie's token, so a
            // restart (or another process, on PostgreSQL) keeps them.
            try db.execute(
                sql: """
                    CREATE TABLE sign_in (
                        token_hash BLOB PRIMARY KEY,
                        key_id INTEGER NOT NULL,
                        expires_at REAL NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        return migrator
    }
}
