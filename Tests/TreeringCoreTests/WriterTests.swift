import Foundation
import Testing

@testable import TreeringCore

@Suite struct WriterTests {
    let frames = [
        Frame(name: "main", file: "app.py", line: 1),
        Frame(name: "handle", file: "app.py", line: 10),
        Frame(name: "<script>\"x\"", file: "evil.py", line: 2),
    ]

    func tree() -> CallTree {
        var t = CallTree()
        t.add(stack: [0, 1], count: 5)
        t.add(stack: [0, 2], count: 2)
        t.add(stack: [0], count: 1)
        return t
    }

    @Test func foldedIsSortedOneStackALine() {
        let text = FoldedWriter().write(tree()) { frames[Int($0)] }
        #expect(
            text == """
                main (app.py:1) 1
                main (app.py:1);<script>"x" (evil.py:2) 2
                main (app.py:1);handle (app.py:10) 5

                """)
    }

    @Test func treeJSONIsColumnarAndParsesBack() throws {
        let bytes = TreeJSONWriter().write(tree(), frame: { frames[Int($0)] }, intervalMs: 10, id: "7")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(json["id"] as? String == "7")
        #expect(json["total"] as? Int == 8)
        let nodes = try #require(json["nodes"] as? [String: [Int]])
        #expect(nodes["parent"] == [-1, 0, 1, 1])
        #expect(nodes["total"] == [8, 8, 5, 2])
        #expect(nodes["self"] == [0, 1, 5, 2])
        let names = try #require((json["frames"] as? [String: Any])?["name"] as? [String])
        #expect(nodes["frame"]!.dropFirst().map { names[$0] } == ["main", "handle", "<script>\"x\""])
        // '<' is escaped so the JSON can sit inside an HTML page.
        #expect(!String(decoding: bytes, as: UTF8.self).contains("<script>"))
    }
}
