import Foundation
import Mustache
import TreeringStore

/// One profile as a single HTML file with the dashboard's views and the data
/// inlined: it opens from disk, offline, for attaching to a bug report.
public struct StandaloneReport: Sendable {
    public struct ReportError: Error, CustomStringConvertible {
        public var description: String
    }

    let templates: MustacheLibrary
    let publicDirectory: String

    public init(templatesDirectory: String, publicDirectory: String) async throws {
        self.init(templates: try await MustacheLibrary(directory: templatesDirectory), publicDirectory: publicDirectory)
    }

    init(templates: MustacheLibrary, publicDirectory: String) {
        self.templates = templates
        self.publicDirectory = publicDirectory
    }

    public func render(_ profile: ProfileSummary, tree: LoadedTree, saved: Date = Date()) throws -> String {
        let meta = try JSONEncoder.treering.encode(ProfileJSON(profile))
        let page = ReportPage(
            title: profile.metadata.app,
            saved: Formatting.iso8601(saved.timeIntervalSince1970),
            css: try text("css/treering.css", inside: "style"),
            d3: try text("vendor/d3/d3.v7.9.0.min.js", inside: "script"),
            d3_license: try licence(),
            script: try inlinable(
                ModuleBundler(directory: path("js")).bundle(entry: "profile-page.js"), inside: "script", "the bundled modules"),
            tree_json: Self.inlineJSON(tree.json(id: String(profile.id))),
            meta_json: Self.inlineJSON(Array(meta)))
        guard let html = templates.render(page, withTemplate: "report") else {
            throw ReportError(description: "template report is missing from the templates folder")
        }
        return html
    }

    /// A comparison as one file: the diff JSON inlined, drawn by the compare
    /// page's modules. `sides` is the comparison's query string, shown as is.
    public func renderComparison(diffJSON: [UInt8], sides: String, saved: Date = Date()) throws -> String {
        let page = ComparisonReportPage(
            title: "Comparison",
            saved: Formatting.iso8601(saved.timeIntervalSince1970),
            css: try text("css/treering.css", inside: "style"),
            d3: try text("vendor/d3/d3.v7.9.0.min.js", inside: "script"),
            d3_license: try licence(),
            script: try inlinable(
                ModuleBundler(directory: path("js")).bundle(entry: "compare-page.js"), inside: "script", "the bundled modules"),
            diff_json: Self.inlineJSON(diffJSON),
            sides: sides)
        guard let html = templates.render(page, withTemplate: "compare-report") else {
            throw ReportError(description: "template compare-report is missing from the templates folder")
        }
        return html
    }

    /// JSON placed inside a `<script>` element: `<` only occurs inside JSON
    /// strings, where `\u003c` means the same, so no name can close the element.
    static func inlineJSON(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        for b in bytes {
            if b == UInt8(ascii: "<") { out += Array("\\u003c".utf8) } else { out.append(b) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func path(_ relative: String) -> String {
        URL(fileURLWithPath: publicDirectory).appendingPathComponent(relative).path
    }

    private func text(_ relative: String, inside element: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path(relative)) else {
            throw ReportError(description: "cannot read \(path(relative)) (pass --public-dir)")
        }
        return try inlinable(String(decoding: data, as: UTF8.self), inside: element, relative)
    }

    /// Text placed inside an element must not close it.
    private func inlinable(_ s: String, inside element: String, _ what: String) throws -> String {
        guard !s.lowercased().contains("</\(element)") else {
            throw ReportError(description: "\(what) contains </\(element) and cannot be inlined")
        }
        return s
    }

    /// d3's ISC licence asks that its notice travel with every copy.
    private func licence() throws -> String {
        let s = try text("vendor/d3/LICENSE", inside: "script")
        guard !s.contains("*/") else { throw ReportError(description: "vendor/d3/LICENSE cannot sit in a comment") }
        return s
    }
}
