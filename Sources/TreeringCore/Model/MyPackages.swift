/// The packages an app's team counts as its own code, though they are
/// installed like libraries (under `site-packages`): the dashboard does not
/// fold their frames away. Names as a path shows them: `shop`, `acme_billing`.
public enum MyPackages {
    public static let maxCount = 100
    public static let maxLength = 100

    /// The names checked and in order, duplicates dropped.
    public static func check(_ names: [String], path: String = "my_packages") throws(InputError) -> [String] {
        guard names.count <= maxCount else { throw InputError.limit(path, "at most \(maxCount) packages (got \(names.count))") }
        var seen = Set<String>()
        var out: [String] = []
        for (i, name) in names.enumerated() {
            let ok = name.unicodeScalars.allSatisfy {
                ($0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil)) || "_.-".unicodeScalars.contains($0)
            }
            guard (1...maxLength).contains(name.count), ok else {
                throw InputError.invalid(
                    "\(path)[\(i)]", "must be a package name of 1 to \(maxLength) letters, digits, _ . or - (got \"\(name.prefix(40))\")")
            }
            if seen.insert(name).inserted { out.append(name) }
        }
        return out.sorted()
    }
}
