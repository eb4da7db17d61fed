import Hummingbird
import TreeringStore

/// A shared query as the API and the app page describe it: the stored range
/// and filters, and the retention cutoff, before which data is gone.
struct SharedQueryJSON: ResponseEncodable {
    var token: String
    var app: String
    var from: Double
    var until: Double
    var filters: [String: [String]]
    var createdAt: Double
    var url: String
    var treeURL: String
    /// Data that started before this was removed by retention (or will be).
    var retentionCutoff: Double
    /// When the link stops working; absent when it does not expire.
    var expiresAt: Double?

    init(_ shared: SharedQuery, retentionCutoff: Double) {
        token = shared.token
        app = shared.query.app
        from = shared.query.from
        until = shared.query.until
        filters = shared.query.filter.keyed.mapValues { $0.sorted() }
        createdAt = shared.createdAt
        url = Links.sharedQueryPage(shared.token)
        treeURL = Links.queryAPI(shared.query)
        self.retentionCutoff = retentionCutoff
        expiresAt = shared.expiresAt
    }
}
