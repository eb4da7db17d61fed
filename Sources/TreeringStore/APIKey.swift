/// An API key as stored, without its secret (only the secret's hash is kept).
public struct APIKey: Sendable, Equatable {
    public var id: Int64
    public var name: String?
    public var scope: KeyScope
    /// The apps it is limited to; empty means every app.
    public var apps: [String]
    public var createdAt: Double
    public var lastUsedAt: Double?
    public var revokedAt: Double?

    public init(
        id: Int64, name: String?, scope: KeyScope, apps: [String], createdAt: Double, lastUsedAt: Double? = nil,
        revokedAt: Double? = nil
    ) {
        self.id = id
        self.name = name
        self.scope = scope
        self.apps = apps
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    /// Whether the key may act on `app`.
    public func allows(app: String) -> Bool { apps.isEmpty || apps.contains(app) }

    /// Whether the key has at least `scope`.
    public func has(_ scope: KeyScope) -> Bool { self.scope >= scope }
}
