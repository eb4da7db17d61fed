import ArgumentParser
import Foundation
import TreeringCore
import TreeringServer
import TreeringStore

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a stored profile out, to standard output or a file.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case folded, tree, speedscope, html
    }

    @Argument(help: "The profile's id.")
    var id: Int64

    @Option(
        help:
            "folded: one stack a line; tree: the compact tree JSON the API serves; speedscope: a file speedscope.app opens; html: one self-contained page with the sunburst and icicle views that opens offline."
    )
    var format: Format = .folded

    @Flag(help: "Put each thread's name as the root frame of its stacks.")
    var byThread = false

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    @OptionGroup var database: DatabaseOption

    @OptionGroup var dashboard: DashboardFilesOption

    func run() async throws {
        if case .sqlite(let path) = StoreLocation(database.db), !FileManager.default.fileExists(atPath: path) {
            throw CLIError("no database at \(path)")
        }
        let bytes: [UInt8] = try await database.withStore { store in
            guard let loaded = try await store.profileTree(id: id, byThread: byThread) else {
                throw CLIError("no profile \(id) in \(StoreLocation(database.db))")
            }
            return switch format {
            case .folded: Array(loaded.folded.utf8)
            case .tree: loaded.json()
            case .speedscope: loaded.speedscope(name: "profile \(id)")
            case .html: try await report(loaded, store: store)
            }
        }
        if let output {
            // Atomic: written beside and renamed, so a failed export leaves no half file.
            try Data(bytes).write(to: URL(fileURLWithPath: output), options: .atomic)
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }

    func report(_ loaded: LoadedTree, store: any ProfileStore) async throws -> [UInt8] {
        guard let summary = try await store.profile(id: id) else { throw CLIError("no profile \(id) in \(StoreLocation(database.db))") }
        // Its errors describe themselves; ArgumentParser prints them on stderr, exit 1.
        let report = try await StandaloneReport(templatesDirectory: dashboard.templatesDir, publicDirectory: dashboard.publicDir)
        return Array(try report.render(summary, tree: loaded).utf8)
    }
}
