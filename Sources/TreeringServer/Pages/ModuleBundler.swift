import Foundation

/// Joins the dashboard's ES modules into one script that runs without a
/// server: a page opened from a file cannot load `import`ed modules, so each
/// module becomes a function whose result is its exports object.
///
/// It understands exactly the forms our modules use and refuses anything else,
/// so a new form fails loudly here rather than producing a broken report:
/// `import { a, b } from "./x.js";`, `import * as x from "./x.js";`,
/// `export function f`, `export async function f`, `export const c`.
public struct ModuleBundler: Sendable {
    public struct BundleError: Error, CustomStringConvertible {
        public var description: String
    }

    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The entry module and, before it, every module it imports, each once and
    /// in dependency order.
    public func bundle(entry: String) throws -> String {
        var order: [String] = []
        var parsed: [String: Module] = [:]
        try visit(entry, order: &order, parsed: &parsed, visiting: [])
        var out = "// Treering dashboard modules, bundled for a page opened without a server.\nconst modules = {};\n"
        for name in order {
            let module = parsed[name]!
            if name == entry {
                out += "(() => {\n\(module.body)})();\n"
            } else {
                out += "modules[\(quoted(name))] = (() => {\n\(module.body)return { \(module.exports.joined(separator: ", ")) };\n})();\n"
            }
        }
        return out
    }

    struct Module {
        var body: String
        var exports: [String]
        var imports: [String]
    }

    private func visit(_ name: String, order: inout [String], parsed: inout [String: Module], visiting: [String]) throws {
        if parsed[name] != nil { return }
        if visiting.contains(name) {
            throw BundleError(description: "import cycle: \((visiting + [name]).joined(separator: " -> "))")
        }
        let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
        guard let source = FileManager.default.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) }) else {
            throw BundleError(description: "cannot read module \(path)")
        }
        let module = try rewrite(source, name: name)
        for dependency in module.imports {
            try visit(dependency, order: &order, parsed: &parsed, visiting: visiting + [name])
        }
        parsed[name] = module
        order.append(name)
    }

    private func rewrite(_ source: String, name: String) throws -> Module {
        var body = ""
        var exports: [String] = []
        var imports: [String] = []
        for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let position = "\(name):\(index + 1)"
            if line.hasPrefix("import ") {
                guard let fromRange = line.range(of: " from \""), line.hasSuffix("\";") else {
                    throw BundleError(description: "\(position): unsupported import form: \(line)")
                }
                var target = String(line[fromRange.upperBound..<line.index(line.endIndex, offsetBy: -2)])
                guard target.hasPrefix("./"), !target.dropFirst(2).contains("/") else {
                    throw BundleError(description: "\(position): only sibling modules (\"./x.js\") can be bundled: \(target)")
                }
                target.removeFirst(2)
                imports.append(target)
                let clause = line[line.index(line.startIndex, offsetBy: 7)..<fromRange.lowerBound]
                if clause.hasPrefix("* as ") {
                    body += "const \(clause.dropFirst(5)) = modules[\(quoted(target))];\n"
                } else if clause.hasPrefix("{") && clause.hasSuffix("}") {
                    body += "const \(clause) = modules[\(quoted(target))];\n"
                } else {
                    throw BundleError(description: "\(position): unsupported import form: \(line)")
                }
            } else if line.hasPrefix("export ") {
                let rest = line.dropFirst(7)
                var declaration: Substring
                if rest.hasPrefix("function ") {
                    declaration = rest.dropFirst(9)
                } else if rest.hasPrefix("async function ") {
                    declaration = rest.dropFirst(15)
                } else if rest.hasPrefix("const ") {
                    declaration = rest.dropFirst(6)
                } else {
                    throw BundleError(description: "\(position): unsupported export form: \(line)")
                }
                let exported = declaration.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" }
                guard !exported.isEmpty else { throw BundleError(description: "\(position): cannot read the exported name") }
                exports.append(String(exported))
                body += rest + "\n"
            } else {
                body += line + "\n"
            }
        }
        return Module(body: body, exports: exports, imports: imports)
    }

    private func quoted(_ s: String) -> String { "\"\(s)\"" }
}
