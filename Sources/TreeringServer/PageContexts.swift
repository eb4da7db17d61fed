import Foundation
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
