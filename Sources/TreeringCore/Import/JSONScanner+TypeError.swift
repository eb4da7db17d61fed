extension JSONScanner {
    /// A value of the wrong type at `path`; the end of the input or a broken
    /// token is malformed JSON instead, whatever field it fell in.
    mutating func typeError(_ path: String, _ expected: String) -> InputError {
        let found = describeNext()
        if found == "the end of the input" || found == "an invalid token" {
            return InputError(
                .malformedJSON,
                "malformed JSON at byte \(pos): unexpected \(found == "an invalid token" ? "token" : "end of input") in \(path)")
        }
        return InputError.invalid(path, "expected \(expected), found \(found)")
    }
}
