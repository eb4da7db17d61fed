import ArgumentParser

/// The SQLite file every subcommand works on, declared once.
struct DatabaseOption: ParsableArguments {
    @Option(help: "SQLite database file (env TREERING_DB); serve and import create it when missing.")
    var db: String = env("TREERING_DB") ?? "./treering.sqlite"
}
