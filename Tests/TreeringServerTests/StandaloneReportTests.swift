import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import TreeringServer

@Suite struct StandaloneReportTests {
    @Test func bundlesTheDashboardModulesIntoOneScriptWithoutImports() throws {
        let modules = TestArguments.repo.appendingPathComponent("Public/js").path
        let js = try ModuleBundler(directory: modules).bundle(entry: "profile-page.js")
        let lines = js.split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("import ") || $0.hasPrefix("export ") })
        // Dependencies come before the modules that use them, each once.
        let defined = lines.compactMap { line -> String? in
            guard line.hasPrefix("modules[\"") else { return nil }
            return String(line.dropFirst(9).prefix { $0 != "\"" })
        }
        #expect(
            Set(defined) == [
                "tree.js", "fit-text.js", "canvas-view.js", "format.js", "sunburst.js", "icicle.js", "dom.js",
                "tree-view.js", "fetch-json.js",
            ])
        #expect(defined.count == 9)
        #expect(defined.firstIndex(of: "tree.js")! < defined.firstIndex(of: "canvas-view.js")!)
        #expect(defined.firstIndex(of: "canvas-view.js")! < defined.firstIndex(of: "sunburst.js")!)
        #expect(defined.firstIndex(of: "format.js")! < defined.firstIndex(of: "sunburst.js")!)
        #expect(defined.firstIndex(of: "icicle.js")! < defined.firstIndex(of: "tree-view.js")!)
        #expect(defined.firstIndex(of: "dom.js")! < defined.firstIndex(of: "tree-view.js")!)
        #expect(js.contains("return { canvasView };"))
    }

    @Test func refusesModuleFormsItDoesNotUnderstand() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bundler-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "import x from \"./a.js\";\n".write(to: folder.appendingPathComponent("default.js"), atomically: true, encoding: .utf8)
        try "export default 1;\n".write(to: folder.appendingPathComponent("a.js"), atomically: true, encoding: .utf8)
        try "import { b } from \"./cycle.js\";\nexport const b = 1;\n".write(
            to: folder.appendingPathComponent("cycle.js"), atomically: true, encoding: .utf8)
        let bundler = ModuleBundler(directory: folder.path)
        #expect(throws: ModuleBundler.BundleError.self) { try bundler.bundle(entry: "default.js") }
        #expect(throws: ModuleBundler.BundleError.self) { try bundler.bundle(entry: "a.js") }
        #expect(throws: ModuleBundler.BundleError.self) { try bundler.bundle(entry: "cycle.js") }
        #expect(throws: ModuleBundler.BundleError.self) { try bundler.bundle(entry: "missing.js") }
    }

    @Test func inlinedJSONCannotCloseItsScriptElement() {
        let json = Array(#"{"name":"</script><script>alert(1)</script>"}"#.utf8)
        let inlined = StandaloneReport.inlineJSON(json)
        #expect(!inlined.contains("<"))
        let decoded = try? JSONDecoder().decode([String: String].self, from: Data(inlined.utf8))
        #expect(decoded?["name"] == "</script><script>alert(1)</script>")
    }

    @Test func reportDownloadIsOneFileWithTheDataInlined() async throws {
        let app = try await buildApplication(TestArguments())
        try await app.test(.router) { client in
            let answer = try await client.ingest(validUpload).decode(IngestAnswer.self)
            for uri in ["/profiles/\(answer.id)/report.html", "\(answer.shareUrl)/report.html"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
                let html = String(buffer: response.body)
                #expect(html.contains(#"<script type="application/json" id="tree-data">{"#))
                #expect(html.contains("Permission to use, copy, modify"))
                #expect(!html.contains("<script src") && !html.contains("<link"))
            }
            let missing = try await client.execute(uri: "/profiles/999/report.html", method: .get)
            #expect(missing.status == .notFound)
        }
    }
}
