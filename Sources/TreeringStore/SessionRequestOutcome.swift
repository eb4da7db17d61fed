/// What became of a request sent to a session.
public enum SessionRequestOutcome: Sendable, Equatable {
    /// Stored and counted; the session as it is now (done if this was the Nth).
    case counted(SessionSummary)
    /// That request id was already stored: nothing changed (an agent's retry).
    case duplicate(SessionSummary)
    /// The session is not running: nothing was stored.
    case closed(SessionSummary)
    case unknownSession
}
