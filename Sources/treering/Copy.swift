import ArgumentParser
import Foundation
import TreeringServer
import TreeringStore

/// Moves a whole store to another backend (SQLite to PostgreSQL or back),
/// ids, share tokens and rollups kept, so links and bookmarks go on working.
struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy every table of one database into another, empty one (SQLite file or postgres:// URL, either way).",
        discussion: """
            Stop the servers writing to the source first: rows written during the copy may be missed. \
            The target must be empty (a new SQLite file, or a PostgreSQL database with no Treering data); \
            its tables are created as by `treering migrate`.
            """)

    @Option(help: "The database to read: a SQLite file or a postgres:// URL.")
    var from: String

    @Option(help: "The database to write: a SQLite file (created) or a postgres:// URL.")
    var to: String

    @Option(help: "Rows (profiles, series...) per transaction.")
    var batch = 500

    func validate() throws {
        guard batch >= 1 && batch <= 100_000 else { throw ValidationError("--batch: must be between 1 and 100000 (got \(batch))") }
        if case .sqlite(let path) = StoreLocation(from), !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--from: no database at \(path)")
        }
        guard StoreLocation(from) != StoreLocation(to) else { throw ValidationError("--to: the same database as --from") }
    }

    func run() async throws {
        let source = try await StoreOpener.store(from)
        let target: any ProfileStore
        do {
            target = try await StoreOpener.store(to)
        } catch {
            try? await source.close()
            throw error
        }
        do {
            try await copy(from: source, to: target)
            try await source.close()
            try await target.close()
        } catch {
            try? await source.close()
            try? await target.close()
            throw error
        }
    }

    func copy(from source: any ProfileStore, to target: any ProfileStore) async throws {
        let existing = try await target.rowCounts().filter { Self.holdsData($0.key) && $0.value > 0 }
        guard existing.isEmpty else {
            let tables = existing.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value) \($0.key.rawValue) rows" }
            throw CLIError(
                "--to: \(StoreLocation(to)) is not empty (\(tables.joined(separator: ", "))); copy only into an empty database")
        }
        let totals = try await source.rowCounts()
        let started = Date()
        for table in StoreTable.allCases {
            let total = totals[table] ?? 0
            var copied = 0
            var after: Int64 = 0
            var lastReport = Date()
            while true {
                let page = try await source.copyRows(table: table, after: after, limit: batch)
                try await target.insertCopiedRows(table: table, page.rows)
                copied += page.rows.count
                guard let next = page.next, !page.rows.isEmpty else { break }
                after = next
                if Date().timeIntervalSince(lastReport) >= 1 {
                    progress("\(table.rawValue): \(copied) of \(total) rows")
                    lastReport = Date()
                }
            }
            progress("\(table.rawValue): \(copied) of \(total) rows")
            guard copied == total else {
                throw CLIError(
                    "\(table.rawValue): copied \(copied) rows but the source has \(total): was a server writing to it? "
                        + "\(StoreLocation(to)) now holds a partial copy: remove it (a new file or an empty database) and copy again "
                        + "with the servers stopped")
            }
        }
        try await target.finishCopy()
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        progress("copied \(StoreLocation(from)) to \(StoreLocation(to)) in \(seconds) s")
    }

    /// Tables a fresh database already has rows in (the rollups' state) do
    /// not make it "not empty".
    static func holdsData(_ table: StoreTable) -> Bool {
        table != .rollupState && table != .rollupBuilt
    }

    func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
