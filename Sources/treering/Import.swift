import ArgumentParser
import Foundation
import TreeringCore
import TreeringStore

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a profile file into the database, without a server.")

    @Argument(help: "A treering/1 JSON file ('-' reads standard input).")
    var file: String

    @Option(help: "App name to store it under (overrides the file's own).")
    var app: String?

    @OptionGroup var database: DatabaseOption

    @OptionGroup var limitOptions: LimitOptions

    func run() async throws {
        let bytes: [UInt8]
        do {
            bytes = file == "-" ? Array(FileHandle.standardInput.readDataToEndOfFile()) : Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw CLIError("cannot read \(file): \(error.localizedDescription)")
        }
        var profile: Profile
        do {
            profile = try TreeringJSONParser(limits: limitOptions.limits.profile).parse(bytes)
        } catch {
            throw CLIError("\(file): \(error.message)")
        }
        if let app {
            do { try AppName.validate(app, path: "--app") } catch { throw CLIError(error.message) }
            profile.metadata.app = app
        }
        let store = try AppDatabase(path: database.db)
        let saved = try await store.saveProfile(profile)
        print("imported profile \(saved.id) (\(saved.samples) samples, app \(saved.metadata.app)); share link /p/\(saved.shareToken)")
    }
}

/// A failure to report on stderr with exit code 1, without a stack trace.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}
