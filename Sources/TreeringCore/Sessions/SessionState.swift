/// Where a targeted session is: recording until it has its N requests
/// (`done`), its time runs out (`expired`) or someone stops it (`stopped`).
public enum SessionState: String, Sendable, CaseIterable, Codable {
    case running, done, expired, stopped

    /// The state as of `now`: a running session past its deadline is over
    /// even before the store has written so (expiry is written lazily).
    public func at(_ now: Double, until: Double) -> SessionState {
        self == .running && now >= until ? .expired : self
    }
}
