import ArgumentParser
import Foundation
import TreeringCore
import TreeringStore

/// `treering keys create|list|revoke`: API keys, on the database file
/// directly; a running server sees a change within a few seconds.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list and revoke API keys for agents and people.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print its secret once on stdout (everything else goes to stderr).")

        @Option(help: "ingest (upload, and read the sessions agents poll), read (every read API and page), or admin (everything).")
        var scope: KeyScopeArgument

        @Option(name: .customLong("app"), help: "Limit the key to this app (repeat for several; default: every app).")
        var apps: [String] = []

        @Option(help: "A label to tell keys apart in `keys list`.")
        var name: String?

        @OptionGroup var database: DatabaseOption

        func validate() throws {
            for app in apps {
                do { try AppName.validate(app, path: "--app") } catch { throw ValidationError(error.message) }
            }
            if let name {
                do { try NameText.check(name, "--name") } catch { throw ValidationError(error.message) }
            }
        }

        func run() async throws {
            try await database.withStore { db in
                let (key, secret) = try await db.createKey(scope: scope.scope, apps: apps, name: name)
                let limited = key.apps.isEmpty ? "every app" : key.apps.joined(separator: ", ")
                FileHandle.standardError.write(
                    Data("created key \(key.id) (\(key.scope.rawValue), \(limited)); its secret is shown once:\n".utf8))
                print(secret)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys: id, name, scope, apps, created, last used (never secrets).")

        @OptionGroup var database: DatabaseOption

        func run() async throws {
            try await database.withStore { db in
                print(["id", "name", "scope", "apps", "created", "last used", "revoked"].joined(separator: "\t"))
                for key in try await db.listKeys() {
                    print(
                        [
                            String(key.id), key.name ?? "-", key.scope.rawValue, key.apps.isEmpty ? "*" : key.apps.joined(separator: ","),
                            Self.time(key.createdAt), key.lastUsedAt.map(Self.time) ?? "never", key.revokedAt.map(Self.time) ?? "-",
                        ].joined(separator: "\t"))
                }
            }
        }

        static func time(_ t: Double) -> String {
            let formatter = ISO8601DateFormatter()
            return formatter.string(from: Date(timeIntervalSince1970: t))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id; requests with it are refused within seconds.")

        @Argument(help: "The key's id (from `keys list`).")
        var id: Int64

        @OptionGroup var database: DatabaseOption

        func run() async throws {
            try await database.withStore { db in
                guard try await db.revokeKey(id: id) else {
                    throw CLIError("no key \(id) that is not revoked already")
                }
                FileHandle.standardError.write(Data("revoked key \(id)\n".utf8))
            }
        }
    }
}

/// `--scope` as ArgumentParser reads it.
struct KeyScopeArgument: ExpressibleByArgument {
    var scope: KeyScope

    init?(argument: String) {
        guard let scope = KeyScope(rawValue: argument) else { return nil }
        self.scope = scope
    }

    static var allValueStrings: [String] { KeyScope.allCases.map(\.rawValue) }
}
