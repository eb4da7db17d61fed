/// Why the server refuses to start.
public enum StartupError: Error, CustomStringConvertible {
    case openOnNetwork(host: String, db: String)

    public var description: String {
        switch self {
        case .openOnNetwork(let host, let db):
            "refusing to listen on \(host) with no API key: anyone who can reach it could upload, read every profile and start "
                + "sessions. Create a key first (`treering keys create --scope admin --db \(db)`, and one with --scope ingest "
                + "for the agents), or pass --open to serve without keys anyway"
        }
    }
}
