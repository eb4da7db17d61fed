/// Which series a query keeps: for each label named, the values allowed.
/// Values of one label are or-ed, different labels and-ed; a series without
/// a named label does not match it.
public struct LabelFilter: Equatable, Sendable {
    public var allowed: [String: Set<String>]

    public init(_ allowed: [String: Set<String>] = [:]) {
        self.allowed = allowed.filter { !$0.value.isEmpty }
    }

    public var isEmpty: Bool { allowed.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        allowed.allSatisfy { key, values in labels[key].map(values.contains) ?? false }
    }
}
