import ArgumentParser
import Foundation
import TreeringServer
import TreeringStore

/// Brings a store's schema up to this version of Treering. `serve` does the
/// same on start; this is for running it once, before rolling out several
/// server processes (the migrations take an advisory lock on PostgreSQL,
/// so concurrent starts are safe either way).
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or upgrade the database's tables, then exit (serve does this on start too).")

    @OptionGroup var database: DatabaseOption

    func run() async throws {
        try await database.withStore { _ in }
        FileHandle.standardError.write(Data("migrated \(StoreLocation(database.db))\n".utf8))
    }
}
