import Foundation

/// The shared treering/1 vectors in Tests/vectors/treering1 (the Python
/// agent's format checker runs the same cases).
struct VectorCase: Decodable, CustomStringConvertible, Sendable {
    struct Expect: Decodable, Sendable {
        var samples: Int64
        var stacks: Int
        var folded: [String]?
    }
    var file: String
    var valid: Bool
    var expect: Expect?
    var error_contains: String?
    var code: String?

    var description: String { file }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("vectors/treering1")

    static let all: [VectorCase] = {
        struct File: Decodable { var cases: [VectorCase] }
        let data = try! Data(contentsOf: directory.appendingPathComponent("cases.json"))
        return try! JSONDecoder().decode(File.self, from: data).cases
    }()

    var bytes: [UInt8] { Array(try! Data(contentsOf: Self.directory.appendingPathComponent(file))) }
}
