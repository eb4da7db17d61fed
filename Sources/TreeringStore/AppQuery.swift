import TreeringCore

/// "Where did this app spend its time from `from` until `until`, in the
/// series these labels pick?" A profile is in the range when its start is.
public struct AppQuery: Sendable, Equatable {
    public var app: String
    public var from: Double
    public var until: Double
    public var filter: LabelFilter

    public init(app: String, from: Double, until: Double, filter: LabelFilter = LabelFilter()) {
        self.app = app
        self.from = from
        self.until = until
        self.filter = filter
    }
}
