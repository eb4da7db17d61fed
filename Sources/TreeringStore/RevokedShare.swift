/// What kind of link a revoked token was.
public enum RevokedShare: String, Sendable {
    case query, profile, session, comparison
}
