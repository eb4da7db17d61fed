/// The tables every store keeps, in the order `treering copy` moves them
/// (a row's references come before it), with their columns in the order a
/// `StoreRow` holds them. Both backends read and write exactly these.
public enum StoreTable: String, CaseIterable, Sendable {
    case app, frame, series, profile
    case profileTree = "profile_tree"
    case rollup
    case rollupState = "rollup_state"
    case rollupBuilt = "rollup_built"
    case session
    case sessionRequest = "session_request"
    case apiKey = "api_key"
    case sharedQuery = "shared_query"
    case sharedComparison = "shared_comparison"
    case appSetting = "app_setting"

    public var columns: [String] {
        switch self {
        case .app: ["id", "name"]
        case .frame: ["id", "app_id", "name", "file", "line"]
        case .series: ["id", "app_id", "labels"]
        case .profile:
            [
                "id", "app_id", "share_token", "host", "pid", "runtime", "agent", "start", "end", "interval_ms", "tags", "threads",
                "samples", "stacks", "created_at",
            ]
        case .profileTree: ["profile_id", "series_id", "samples", "tree"]
        case .rollup: ["series_id", "resolution", "bucket", "samples", "tree"]
        case .rollupState: ["rolled_up_to", "version", "newest_start"]
        case .rollupBuilt: ["resolution", "through"]
        case .session:
            [
                "id", "app_id", "share_token", "transaction_name", "requests_wanted", "interval_ms", "time_limit_s", "created_at",
                "until", "state", "closed_at", "count",
            ]
        case .sessionRequest: ["id", "session_id", "request", "wall_ms", "host", "threads", "samples", "received_at", "tree"]
        case .apiKey: ["id", "name", "scope", "apps", "secret_hash", "created_at", "last_used_at", "revoked_at"]
        case .sharedQuery: ["token", "app_id", "range_from", "range_until", "filter", "created_at", "expires_at"]
        case .sharedComparison: ["token", "sides", "created_at", "expires_at"]
        case .appSetting: ["app_id", "my_packages"]
        }
    }

    /// The integer column a copy walks the table by. Rows sharing a value
    /// (a profile's trees, a series' rollups) come in the same page. Nil:
    /// a small table read whole (one row of state, tokens as keys).
    public var cursor: String? {
        switch self {
        case .app, .frame, .series, .profile, .session, .sessionRequest, .apiKey: "id"
        case .profileTree: "profile_id"
        case .rollup: "series_id"
        case .appSetting: "app_id"
        case .rollupState, .rollupBuilt, .sharedQuery, .sharedComparison: nil
        }
    }
}
