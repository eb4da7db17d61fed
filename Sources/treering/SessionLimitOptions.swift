import ArgumentParser
import TreeringCore

/// The targeted sessions' limits as flags; each also reads an environment variable.
struct SessionLimitOptions: ParsableArguments {
    @Option(help: "Most requests one targeted session may ask for (env TREERING_MAX_SESSION_REQUESTS).")
    var maxSessionRequests: Int = env("TREERING_MAX_SESSION_REQUESTS") ?? SessionLimits.default.maxRequests

    @Option(help: "Longest time limit of a targeted session, in seconds (env TREERING_MAX_SESSION_SECONDS).")
    var maxSessionSeconds: Int = env("TREERING_MAX_SESSION_SECONDS") ?? Int(SessionLimits.default.maxTimeLimitSeconds)

    var limits: SessionLimits {
        var limits = SessionLimits()
        limits.maxRequests = maxSessionRequests
        limits.defaultRequests = min(limits.defaultRequests, maxSessionRequests)
        limits.maxTimeLimitSeconds = Double(maxSessionSeconds)
        limits.defaultTimeLimitSeconds = min(limits.defaultTimeLimitSeconds, Double(maxSessionSeconds))
        return limits
    }

    func validate() throws {
        for (name, value) in [("--max-session-requests", maxSessionRequests), ("--max-session-seconds", maxSessionSeconds)]
        where value < 1 {
            throw ValidationError("\(name) must be at least 1 (got \(value))")
        }
    }
}
