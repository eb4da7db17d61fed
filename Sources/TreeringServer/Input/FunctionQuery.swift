import Hummingbird
import TreeringCore

/// The function a callers/callees request names: `function=NAME`, with
/// `file=PATH` and `line=N` to pick one of several functions of that name.
/// Every frame that matches is an occurrence (a py-spy raw import has one
/// frame per executing line of a function).
struct FunctionQuery: Sendable {
    static let reserved: Set<String> = ["function", "file", "line"]

    var name: String
    var file: String?
    var line: Int?

    static func parse(_ parameters: Parameters) throws(InputError) -> FunctionQuery {
        guard let name = parameters.get("function"), !name.isEmpty else {
            throw InputError(.missingField, "function: required query parameter (the function's name, e.g. ?function=handle_request)")
        }
        guard name.utf8.count <= 4096 else { throw InputError.invalid("function", "at most 4096 bytes") }
        var line: Int?
        if let text = parameters.get("line") {
            guard let n = Int(text), n >= 0, n <= 100_000_000 else {
                throw InputError.invalid("line", "must be a line number from 0 to 100000000 (got \"\(text.prefix(40))\")")
            }
            line = n
        }
        return FunctionQuery(name: name, file: parameters.get("file"), line: line)
    }

    func matches(_ frame: Frame) -> Bool {
        frame.name == name && (file == nil || frame.file == file) && (line == nil || frame.line == line)
    }

    var description: String {
        name + (file.map { " in \($0)" } ?? "") + (line.map { ":\($0)" } ?? "")
    }

    /// The parameters without this query's own, for the tree source to read.
    static func without(_ parameters: Parameters) -> Parameters {
        Parameters(parameters.filter { !reserved.contains(String($0.key)) }.map { (key: $0.key, value: $0.value) })
    }
}
