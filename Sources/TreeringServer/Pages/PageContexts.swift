import Foundation
import TreeringCore
import TreeringStore

/// What the Mustache templates see. Mustache escapes every `{{value}}`, so
/// names from uploads reach the page as text.
struct IndexPage {
    struct App {
        var name: String
        var profiles: Int
        var samples: Int64
        var last_seen: String
        var url: String
    }
    struct Tag {
        var key: String
        var value: String
    }
    struct ProfileRow {
        var id: String
        var url: String
        var app: String
        var host: String?
        var start: String
        var end: String
        var duration: String
        var samples: Int64
        var tags: [Tag]
    }
    var apps: [App]
    var profiles: [ProfileRow]
    var empty: Bool
    var server_url: String
    var app_filter: String?
}

struct ProfilePage {
    var title: String
    var id: String
    var tree_url: String
    var meta_url: String
    var share_path: String
    var report_path: String
}

/// A comparison: the page reads both sides (`base.*`, `target.*`) and the
/// view state from its own URL and asks the diff API.
struct ComparePage {
    var title = "Compare"
    /// A shared comparison's token: the page reads `/api/v1/c/{token}`.
    var shared_token: String?
}

enum Formatting {
    static func iso8601(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        if seconds < 3600 { return String(format: "%.1f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3600)
    }
}

/// The saved-report page: everything it needs is inlined. Only `title` and
/// `saved` are escaped; the rest is our own code and JSON made safe to inline.
struct ReportPage {
    var title: String
    var saved: String
    var css: String
    var d3: String
    var d3_license: String
    var script: String
    var tree_json: String
    var meta_json: String
}

/// A comparison saved as one HTML file (`compare-report.mustache`).
struct ComparisonReportPage {
    var title: String
    var saved: String
    var css: String
    var d3: String
    var d3_license: String
    var script: String
    var diff_json: String
    var sides: String
}

/// The app page. A shared query fixes range and filters (as JSON for the
/// page's script); an ordinary one takes them from the URL.
struct AppPage {
    var title: String
    var details_title = "Query"
    var app: String
    var uploads_url: String
    var retention: String
    var retention_cutoff: String
    var shared: Shared?
    /// Why uploads of this app were refused lately (a cap), if they were:
    /// the template writes "... last at <time>: message".
    var cap_notice: CapNotice?

    struct CapNotice {
        var times: String
        var at: String
        var message: String
    }

    struct Shared {
        var token: String
        var from: String
        var until: String
        var filters_json: String
    }

    init(app: String, retentionSeconds: Double, shared: SharedQuery?, capNotice: CapNotices.Notice? = nil) {
        title = app
        self.app = app
        uploads_url = Links.uploadsPage(app: app)
        cap_notice = capNotice.map {
            CapNotice(times: $0.count == 1 ? "once" : "\($0.count) times", at: Formatting.iso8601($0.at), message: $0.message)
        }
        retention = DurationText.describe(retentionSeconds)
        retention_cutoff = AppQueryParameters.number((Date().timeIntervalSince1970 - retentionSeconds).rounded(.down))
        self.shared = shared.map {
            let filters = $0.query.filter.keyed.mapValues { $0.sorted() }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return Shared(
                token: $0.token, from: AppQueryParameters.number($0.query.from),
                until: AppQueryParameters.number($0.query.until),
                filters_json: String(decoding: (try? encoder.encode(filters)) ?? Data("{}".utf8), as: UTF8.self))
        }
    }
}

/// A targeted session's page; its script polls `api_url` while it runs.
struct SessionPage {
    var title: String
    var details_title = "Session"
    var id: String
    var app: String
    var app_url: String
    var api_url: String
    var share_path: String

    /// `shareToken`: the page was opened by its share link, so it reads the
    /// API by the token too (a share link needs no key).
    init(_ session: SessionSummary, shareToken: String? = nil) {
        title = "\(session.app) · session \(session.id)"
        id = String(session.id)
        app = session.app
        app_url = Links.appPage(session.app)
        api_url = Links.sessionAPI(shareToken ?? String(session.id))
        share_path = Links.sharedSessionPage(session.shareToken)
    }
}
