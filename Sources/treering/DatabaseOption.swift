import ArgumentParser
import TreeringServer
import TreeringStore

/// The store every subcommand works on, declared once.
struct DatabaseOption: ParsableArguments {
    @Option(
        help:
            "SQLite database file, or a PostgreSQL URL postgres://user:pass@host:5432/db (env TREERING_DB); a SQLite file is created when missing."
    )
    var db: String = env("TREERING_DB") ?? "./treering.sqlite"
}

extension DatabaseOption {
    /// Runs `body` on the opened store and lets go of it after, also when
    /// `body` throws (a PostgreSQL store holds connections).
    func withStore<T>(_ body: (any ProfileStore) async throws -> T) async throws -> T {
        let store = try await StoreOpener.store(db)
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}
