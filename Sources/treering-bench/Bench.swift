import ArgumentParser

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "treering-bench",
        abstract: "Server benchmarks: one large upload (`upload`, the default) or a simulated day of agents (`day`).",
        subcommands: [UploadBench.self, DayBench.self, DiffBench.self],
        defaultSubcommand: UploadBench.self)
}
