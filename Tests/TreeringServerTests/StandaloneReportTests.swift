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
        // What the entry reaches, read from the files' import lines here, so
        // the test follows the dashboard as modules are added.
        let imports = try Self.importGraph(of: "profile-page.js", in: modules)
        #expect(Set(defined) == Set(imports.keys).subtracting(["profile-page.js"]))
        #expect(defined.count == Set(defined).count)
        #expect(defined.count >= 9)
        for (module, dependencies) in imports where module != "profile-page.js" {
            for dependency in dependencies {
                let at = try #require(defined.firstIndex(of: dependency))
                #expect(at < defined.firstIndex(of: module)!, "\(dependency) must come before \(module)")
            }
        }
        #expect(js.contains("return { canvasView };"))
    }

    /// Module name -> the modules it imports, for every module `entry` reaches.
    static func importGraph(of entry: String, in folder: String) throws -> [String: [String]] {
        var graph: [String: [String]] = [:]
        var pending = [entry]
        while let module = pending.popLast() {
            guard graph[module] == nil else { continue }
            let text = try String(contentsOfFile: folder + "/" + module, encoding: .utf8)
            let dependencies = text.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("import "), let from = line.range(of: "from \"./") else { return nil }
                return String(line[from.upperBound...].prefix { $0 != "\"" })
            }
            graph[module] = dependencies
            pending += dependencies
        }
        return graph
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
