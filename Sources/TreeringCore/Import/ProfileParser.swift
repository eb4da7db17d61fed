/// One parser per upload format, each producing the same in-memory `Profile`.
public protocol ProfileParser: Sendable {
    /// Parses a whole upload. Throws `InputError` naming the field and the rule.
    func parse(_ bytes: [UInt8]) throws(InputError) -> Profile
}
