import ArgumentParser

/// Where the dashboard's files are: served by `serve`, inlined by `export --format html`.
struct DashboardFilesOption: ParsableArguments {
    @Option(help: "Folder of static files (env TREERING_PUBLIC_DIR).")
    var publicDir: String = env("TREERING_PUBLIC_DIR") ?? "Public"

    @Option(help: "Folder of page templates (env TREERING_TEMPLATES_DIR).")
    var templatesDir: String = env("TREERING_TEMPLATES_DIR") ?? "Templates"
}
