import ArgumentParser
import Logging

@main
struct Treering: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "treering",
        abstract: "Treering: a statistical profiler's server for Python services.",
        subcommands: [Serve.self, Import.self, Export.self, Keys.self, Shares.self, Migrate.self, Copy.self])

    static func bootstrapLogging(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
