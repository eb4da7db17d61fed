import ArgumentParser
import Foundation
import TreeringCore
import TreeringServer
import TreeringStore

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a profile file into the database, without a server.")

    @Argument(
        help:
            "A profile file: treering/1 JSON, folded stacks (py-spy -f raw, stackcollapse, async-profiler collapsed) or speedscope JSON ('-' reads standard input)."
    )
    var file: String

    @Option(
        help:
            "The file's format: treering, folded, speedscope or pprof (default: guessed from its first bytes; gzip files are inflated first)."
    )
    var format: String?

    @Option(help: "App name to store it under (overrides the file's own; required for formats without one).")
    var app: String?

    @Option(name: .customLong("interval-ms"), help: "Sampling interval in ms, for formats that count samples without saying it.")
    var intervalMs: Double = 10

    @OptionGroup var database: DatabaseOption

    @OptionGroup var limitOptions: LimitOptions

    func run() async throws {
        var bytes: [UInt8]
        do {
            bytes =
                file == "-"
                ? Array(FileHandle.standardInput.readDataToEndOfFile()) : Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw CLIError("cannot read \(file): \(error.localizedDescription)")
        }
        if Gzip.isCompressed(bytes) {
            // pprof files are usually gzip on disk; any format may be.
            do { bytes = try GzipFile.inflate(bytes, limits: limitOptions.limits) } catch { throw CLIError("\(file): \(error)") }
        }
        let chosen: UploadFormat
        if let format {
            guard let known = UploadFormat(name: format) else {
                throw CLIError("--format: \"\(format)\" is not a known format (known: \(UploadFormat.known))")
            }
            chosen = known
        } else {
            chosen = UploadFormat.sniff(bytes)
        }
        if !chosen.carriesMetadata && app == nil {
            throw CLIError("--app: required for \(chosen.rawValue) files, which do not name their app")
        }
        guard intervalMs > 0 else { throw CLIError("--interval-ms: must be > 0") }
        let now = Date().timeIntervalSince1970
        let metadata = ProfileMetadata(
            app: app ?? "", start: now, end: now, intervalMs: intervalMs,
            tags: ["imported_from": chosen.rawValue])
        var profile: Profile
        do {
            profile = try chosen.parser(metadata: metadata, limits: limitOptions.limits.profile).parse(bytes)
        } catch {
            throw CLIError("\(file): \(error.message)")
        }
        if let app {
            do { try AppName.validate(app, path: "--app") } catch { throw CLIError(error.message) }
            profile.metadata.app = app
        }
        let saved = try await database.withStore { store in try await store.saveProfile(profile) }
        print("imported profile \(saved.id) (\(saved.samples) samples, app \(saved.metadata.app)); share link /p/\(saved.shareToken)")
    }
}

/// A failure to report on stderr with exit code 1, without a stack trace.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}
