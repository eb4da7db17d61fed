extension ProfileLimits {
    /// Tags that reach a profile without a parser (query strings, Pyroscope
    /// series labels) meet the same rules as a document's `tags`.
    public func validateTags(_ tags: [String: String], path: String) throws(InputError) {
        guard tags.count <= maxTags else { throw InputError.limit(path, "more than \(maxTags) tags") }
        for (key, value) in tags {
            guard !key.isEmpty else { throw InputError.invalid(path, "a tag key must not be empty") }
            guard key.utf8.count <= maxStringBytes, value.utf8.count <= maxStringBytes else {
                throw InputError.limit("\(path).\(key.prefix(40))", "longer than the limit of \(maxStringBytes) bytes")
            }
        }
    }
}
