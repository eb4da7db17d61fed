/// What a session request upload says about its request, in its tags:
/// `treering.request` (an id unique within the session, so a retried
/// upload is recognised), `treering.wall_ms` (the request's wall time), and
/// `transaction`, which must be the session's.
public struct SessionRequestTags: Sendable, Equatable {
    public static let requestKey = "treering.request"
    public static let wallKey = "treering.wall_ms"

    public var request: String
    public var wallMs: Double

    public init(request: String, wallMs: Double) {
        self.request = request
        self.wallMs = wallMs
    }

    /// Reads and checks the tags of a document sent to a session of `transaction`.
    public init(tags: [String: String], transaction: String, limits: SessionLimits) throws(InputError) {
        guard let request = tags[Self.requestKey] else { throw InputError.missing("tags.\(Self.requestKey)") }
        guard (1...limits.maxRequestIDLength).contains(request.count) else {
            throw InputError.invalid(
                "tags.\(Self.requestKey)", "must be 1 to \(limits.maxRequestIDLength) characters (got \(request.count))")
        }
        guard let wallText = tags[Self.wallKey] else { throw InputError.missing("tags.\(Self.wallKey)") }
        guard let wall = Double(wallText), wall.isFinite, wall >= 0 else {
            throw InputError.invalid("tags.\(Self.wallKey)", "must be a number of milliseconds >= 0 (got \"\(wallText.prefix(40))\")")
        }
        guard let sent = tags["transaction"] else { throw InputError.missing("tags.transaction") }
        guard sent == transaction else {
            throw InputError.invalid(
                "tags.transaction", "must be the session's transaction \"\(transaction.prefix(200))\" (got \"\(sent.prefix(200))\")")
        }
        self.init(request: request, wallMs: wall)
    }
}
