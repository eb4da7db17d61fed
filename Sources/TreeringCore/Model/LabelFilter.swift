/// Which series a query keeps: for each label named, the values allowed,
/// and the values excluded (`host!=web-1`: every series but web-1's, "the
/// rest"). Values of one label are or-ed, different labels and-ed; a series
/// without a label does not match an allowed value of it, and is not
/// excluded by it.
public struct LabelFilter: Equatable, Sendable {
    public var allowed: [String: Set<String>]
    public var excluded: [String: Set<String>]

    public init(_ allowed: [String: Set<String>] = [:], excluded: [String: Set<String>] = [:]) {
        self.allowed = allowed.filter { !$0.value.isEmpty }
        self.excluded = excluded.filter { !$0.value.isEmpty }
    }

    /// The suffix of a parameter or stored key that excludes: `host!=web-1`.
    public static let exclusionMark = "!"

    /// Filters written as `label` (allowed) and `label!` (excluded) keys,
    /// as query strings and stored shared queries write them.
    public init(keyed: [String: Set<String>]) {
        var allowed: [String: Set<String>] = [:]
        var excluded: [String: Set<String>] = [:]
        for (key, values) in keyed {
            if key.count > 1, key.hasSuffix(Self.exclusionMark) {
                excluded[String(key.dropLast()), default: []].formUnion(values)
            } else {
                allowed[key, default: []].formUnion(values)
            }
        }
        self.init(allowed, excluded: excluded)
    }

    /// The inverse of `init(keyed:)`.
    public var keyed: [String: Set<String>] {
        var out = allowed
        for (key, values) in excluded { out[key + Self.exclusionMark, default: []].formUnion(values) }
        return out
    }

    public var isEmpty: Bool { allowed.isEmpty && excluded.isEmpty }

    /// Every label the filter names.
    public var labelNames: Set<String> { Set(allowed.keys).union(excluded.keys) }

    public func matches(_ labels: [String: String]) -> Bool {
        allowed.allSatisfy { key, values in labels[key].map(values.contains) ?? false }
            && excluded.allSatisfy { key, values in labels[key].map { !values.contains($0) } ?? true }
    }
}
