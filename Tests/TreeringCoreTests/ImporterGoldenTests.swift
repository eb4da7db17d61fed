import Foundation
import Testing

@testable import TreeringCore

/// Real outputs of py-spy, pyinstrument and pyroscope-io (Tests/vectors/importers,
/// README.md there says how each was made), each parsed by its importer and
/// written as folded text, against the folded text that expected.py (an
/// independent reader in Python) wrote for it. One line per file, as
/// speedscope's `checkProfileSnapshot`.
@Suite struct ImporterGoldenTests {
    @Test func pySpyRaw() throws { try checkGolden("pyspy.txt", .folded) }
    @Test func pySpyRawWithThreads() throws { try checkGolden("pyspy-threads.txt", .folded) }
    @Test func pySpySpeedscope() throws { try checkGolden("pyspy.speedscope.json", .speedscope) }
    @Test func pyinstrumentSpeedscope() throws { try checkGolden("pyinstrument.speedscope.json", .speedscope) }
    @Test func pyroscopeIOPprof() throws { try checkGolden("pyroscope.pb", .pprof) }
}

enum ImporterGolden {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("vectors/importers")

    static let metadata = ProfileMetadata(app: "golden", start: 1, end: 2, intervalMs: 10)
}

/// Parses `file` with the parser of `format` (`FoldedParser`,
/// `SpeedscopeParser`, `PprofParser`, as the server and `treering import` do)
/// and compares its folded export with `file.folded`, line by line: every
/// expected stack with its count, and no other. The format must also be the
/// one `treering import` guesses for the file.
func checkGolden(_ file: String, _ format: UploadFormat, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let bytes = Array(try Data(contentsOf: ImporterGolden.directory.appendingPathComponent(file)))
    let expected = try String(contentsOf: ImporterGolden.directory.appendingPathComponent(file + ".folded"), encoding: .utf8)
    #expect(UploadFormat.sniff(bytes) == format, "\(file): guessed format", sourceLocation: sourceLocation)
    let profile = try format.parser(metadata: ImporterGolden.metadata, limits: .default).parse(bytes)
    let actual = FoldedWriter().write(profile.mergedTree(), frame: { profile.frames[$0] })
    let actualLines = actual.split(separator: "\n").sorted()
    let expectedLines = expected.split(separator: "\n").sorted()
    #expect(!expectedLines.isEmpty, "\(file).folded is empty", sourceLocation: sourceLocation)
    #expect(actualLines.count == expectedLines.count, "\(file): stack count", sourceLocation: sourceLocation)
    for line in Set(expectedLines).subtracting(actualLines).sorted() {
        Issue.record("\(file): expected line missing from the export: \(line)", sourceLocation: sourceLocation)
    }
    for line in Set(actualLines).subtracting(expectedLines).sorted() {
        Issue.record("\(file): the export has an unexpected line: \(line)", sourceLocation: sourceLocation)
    }
    #expect(actualLines == expectedLines, "\(file)", sourceLocation: sourceLocation)
}
