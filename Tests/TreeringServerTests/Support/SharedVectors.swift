import Foundation

/// The shared treering/1 vectors (Tests/vectors/treering1), which the Python
/// agent's tests run too.
let vectors = TestArguments.repo.appendingPathComponent("Tests/vectors/treering1")
let validUpload = try! Data(contentsOf: vectors.appendingPathComponent("valid-basic.json"))

/// An invalid case of the shared vectors, as the server test sees it.
struct VectorFile: CustomStringConvertible, Sendable {
    var file: String
    var code: String
    var errorContains: String
    var data: Data { try! Data(contentsOf: vectors.appendingPathComponent(file)) }
    var description: String { file }

    /// One entry of cases.json.
    struct Case: Decodable {
        var file: String
        var valid: Bool
        var code: String?
        var errorContains: String?
    }

    static let invalid: [VectorFile] = {
        struct Cases: Decodable { var cases: [Case] }
        let data = try! Data(contentsOf: vectors.appendingPathComponent("cases.json"))
        return try! JSONDecoder.api.decode(Cases.self, from: data).cases.filter { !$0.valid }.map {
            VectorFile(file: $0.file, code: $0.code!, errorContains: $0.errorContains!)
        }
    }()
}
