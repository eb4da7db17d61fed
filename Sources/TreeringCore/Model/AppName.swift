/// The rule for application names: 1-128 characters of letters, digits,
/// `.`, `_`, `-`, `/` and space.
public enum AppName {
    public static let maxLength = 128

    public static func validate(_ name: String, path: String = "app") throws(InputError) {
        guard !name.isEmpty else { throw InputError.invalid(path, "must not be empty") }
        guard name.count <= maxLength else {
            throw InputError.invalid(path, "at most \(maxLength) characters (got \(name.count))")
        }
        for c in name where !(c.isLetter || c.isNumber || ".-_/ ".contains(c)) {
            throw InputError.invalid(
                path, "only letters, digits, '.', '_', '-', '/' and space are allowed (found \(String(reflecting: String(c))))")
        }
    }
}
