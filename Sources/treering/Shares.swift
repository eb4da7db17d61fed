import ArgumentParser
import Foundation
import TreeringStore

/// `treering shares list|revoke`: share links, on the database file directly.
struct Shares: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List shared queries and comparisons, and revoke any share link (query, comparison, profile or session).",
        subcommands: [List.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List shared queries (token, app, range, created, expires), or shared comparisons (token, sides, created, expires).")

        @OptionGroup var database: DatabaseOption

        @Flag(help: "List shared comparisons (/c/ links) instead of shared queries.")
        var comparisons = false

        func run() async throws {
            try await database.withStore { db in
                if comparisons {
                    print(["token", "sides", "created", "expires"].joined(separator: "\t"))
                    for shared in try await db.listSharedComparisons() {
                        print(
                            [shared.token, shared.sides, Keys.List.time(shared.createdAt), shared.expiresAt.map(Keys.List.time) ?? "never"]
                                .joined(separator: "\t"))
                    }
                    return
                }
                print(["token", "app", "from", "until", "created", "expires"].joined(separator: "\t"))
                for shared in try await db.listSharedQueries() {
                    print(
                        [
                            shared.token, shared.query.app, Keys.List.time(shared.query.from), Keys.List.time(shared.query.until),
                            Keys.List.time(shared.createdAt), shared.expiresAt.map(Keys.List.time) ?? "never",
                        ].joined(separator: "\t"))
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a share link by its token (the last part of /q/, /c/, /p/ or /s/ links); a profile or session keeps its data.")

        @Argument(help: "The link's token.")
        var token: String

        @OptionGroup var database: DatabaseOption

        func run() async throws {
            try await database.withStore { db in
                guard let revoked = try await db.revokeShare(token: token) else {
                    throw CLIError("no share link has the token \(token.prefix(40))")
                }
                FileHandle.standardError.write(Data("revoked the \(revoked.rawValue) share link \(token)\n".utf8))
            }
        }
    }
}
