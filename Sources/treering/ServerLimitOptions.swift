import ArgumentParser
import TreeringCore
import TreeringServer
import TreeringStore

/// Caps and timeouts of the server as flags; each also reads an environment variable.
struct ServerLimitOptions: ParsableArguments {
    @Option(help: "Most series (distinct label sets) per app (env TREERING_MAX_SERIES_PER_APP).")
    var maxSeriesPerApp: Int = env("TREERING_MAX_SERIES_PER_APP") ?? StoreLimits.default.maxSeriesPerApp

    @Option(help: "Most label names in one series: host, thread and tags (env TREERING_MAX_LABELS).")
    var maxLabels: Int = env("TREERING_MAX_LABELS") ?? StoreLimits.default.maxLabelsPerSeries

    @Option(help: "Most values one label name takes across an app's series (env TREERING_MAX_LABEL_VALUES).")
    var maxLabelValues: Int = env("TREERING_MAX_LABEL_VALUES") ?? StoreLimits.default.maxValuesPerLabel

    @Option(help: "Most points in one timeline answer (env TREERING_MAX_TIMELINE_POINTS).")
    var maxTimelinePoints: Int = env("TREERING_MAX_TIMELINE_POINTS") ?? ServerLimits.default.maxTimelinePoints

    @Option(help: "Most apps on this server (env TREERING_MAX_APPS).")
    var maxApps: Int = env("TREERING_MAX_APPS") ?? StoreLimits.default.maxApps

    @Option(help: "Most targeted sessions running at once per app (env TREERING_MAX_RUNNING_SESSIONS).")
    var maxRunningSessions: Int = env("TREERING_MAX_RUNNING_SESSIONS") ?? StoreLimits.default.maxRunningSessionsPerApp

    @Option(help: "Longest range of one query or timeline: 90d, 400d (env TREERING_MAX_QUERY_RANGE).")
    var maxQueryRange: String = env("TREERING_MAX_QUERY_RANGE") ?? DurationText.describe(ServerLimits.default.maxQueryRangeSeconds)

    @Option(help: "How far ahead of the server's clock an upload may start: 15m, 1h (env TREERING_MAX_CLOCK_SKEW).")
    var maxClockSkew: String = env("TREERING_MAX_CLOCK_SKEW") ?? DurationText.describe(ServerLimits.default.maxClockSkewSeconds)

    @Option(help: "Close a connection that has not sent a whole request head for this long: 30s (env TREERING_IDLE_TIMEOUT).")
    var idleTimeout: String = env("TREERING_IDLE_TIMEOUT") ?? DurationText.describe(ServerLimits.default.idleTimeoutSeconds)

    @Option(help: "Answer 408 and close when a request body takes longer than this: 120s (env TREERING_BODY_TIMEOUT).")
    var bodyTimeout: String = env("TREERING_BODY_TIMEOUT") ?? DurationText.describe(IngestLimits.default.bodyTimeoutSeconds)

    @Option(help: "Most connections open at once, kept below the open-file limit (env TREERING_MAX_CONNECTIONS).")
    var maxConnections: Int = env("TREERING_MAX_CONNECTIONS") ?? ServerLimits.default.maxConnections

    var storeLimits: StoreLimits {
        var limits = StoreLimits()
        limits.maxSeriesPerApp = maxSeriesPerApp
        limits.maxLabelsPerSeries = maxLabels
        limits.maxValuesPerLabel = maxLabelValues
        limits.maxApps = maxApps
        limits.maxRunningSessionsPerApp = maxRunningSessions
        return limits
    }

    var serverLimits: ServerLimits {
        var limits = ServerLimits()
        limits.maxQueryRangeSeconds = DurationText.seconds(maxQueryRange) ?? limits.maxQueryRangeSeconds
        limits.maxClockSkewSeconds = DurationText.seconds(maxClockSkew) ?? limits.maxClockSkewSeconds
        limits.idleTimeoutSeconds = DurationText.seconds(idleTimeout) ?? limits.idleTimeoutSeconds
        limits.maxConnections = maxConnections
        limits.maxTimelinePoints = maxTimelinePoints
        return limits
    }

    var bodyTimeoutSeconds: Double { DurationText.seconds(bodyTimeout) ?? IngestLimits.default.bodyTimeoutSeconds }

    func validate() throws {
        for (name, value) in [
            ("--max-series-per-app", maxSeriesPerApp), ("--max-apps", maxApps), ("--max-running-sessions", maxRunningSessions),
            ("--max-connections", maxConnections), ("--max-labels", maxLabels), ("--max-label-values", maxLabelValues),
            ("--max-timeline-points", maxTimelinePoints),
        ] where value < 1 {
            throw ValidationError("\(name) must be at least 1 (got \(value))")
        }
        for (name, text, least) in [
            ("--max-query-range", maxQueryRange, 60.0), ("--max-clock-skew", maxClockSkew, 0), ("--idle-timeout", idleTimeout, 1),
            ("--body-timeout", bodyTimeout, 1),
        ] {
            guard let seconds = DurationText.seconds(text), seconds >= least, seconds <= UnixTime.max else {
                throw ValidationError(
                    "\(name): must be a duration such as 30s, 15m, 1h or 400d, at least \(Int(least)) s (got \"\(text)\")")
            }
        }
    }
}
