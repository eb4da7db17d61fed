import Foundation
import Testing

@testable import TreeringCore

@Suite struct TreeringJSONParserTests {
    @Test(arguments: VectorCase.all.filter(\.valid))
    func validVectorParses(_ vector: VectorCase) throws {
        let profile = try TreeringJSONParser().parse(vector.bytes)
        let tree = profile.mergedTree()
        let expect = try #require(vector.expect)
        #expect(tree.totalCount == expect.samples)
        #expect(tree.stackCount == expect.stacks)
        if let folded = expect.folded {
            let text = FoldedWriter().write(tree) { profile.frames[$0] }
            #expect(text.split(separator: "\n").map(String.init) == folded)
        }
    }

    @Test(arguments: VectorCase.all.filter { !$0.valid })
    func invalidVectorIsRefusedNamingTheField(_ vector: VectorCase) throws {
        let error = #expect(throws: InputError.self) { try TreeringJSONParser().parse(vector.bytes) }
        #expect(error?.code.rawValue == vector.code)
        #expect(error?.message.contains(vector.error_contains!) == true, "\(error?.message ?? "")")
    }

    @Test func vectorsCoverEveryRuleOfTheFormatPage() {
        // A guard against the shared vectors silently shrinking.
        #expect(VectorCase.all.filter { !$0.valid }.count >= 30)
        #expect(VectorCase.all.filter(\.valid).count >= 4)
    }

    @Test func metadataIsRead() throws {
        let profile = try TreeringJSONParser().parse(VectorCase.all[0].bytes)
        #expect(profile.metadata.app == "shop-web")
        #expect(profile.metadata.host == "web-3")
        #expect(profile.metadata.pid == 4121)
        #expect(profile.metadata.intervalMs == 10)
        #expect(profile.metadata.tags == ["env": "prod", "version": "2024.11.2"])
        #expect(profile.threads == ["MainThread", "Thread-3 (process_request)"])
        #expect(profile.labels.contains(SampleLabels(thread: "Thread-3 (process_request)", tags: ["transaction": "GET /orders/"])))
    }

    /// Sample labels are read once per distinct text; the same labels
    /// written differently, or missing, must still land where they belong.
    @Test func sampleLabelsAreTheSameWhateverTheirText() throws {
        let doc = #"""
            {"format":"treering/1","app":"a","start":1,"end":2,"interval_ms":10,
             "frames":[{"name":"f","file":"m.py","line":1}],
             "samples":[
              {"stack":[0],"count":1,"thread":"w","tags":{"transaction":"A"}},
              {"stack":[0],"count":2,"thread":"w","tags":{ "transaction" : "A" }},
              {"tags":{"transaction":"B"},"stack":[0],"count":4,"thread":"w"},
              {"stack":[0],"count":8,"thread":"w","tags":{"transaction":"A"}},
              {"stack":[0],"count":16,"thread":null},
              {"stack":[0],"count":32},
              {"stack":[0],"count":64,"thread":"w","tags":{"transaction":"A","x":"1"}},
              {"stack":[0],"count":128,"thread":"w2","tags":{"transaction":"A"}}
             ]}
            """#
        let profile = try TreeringJSONParser().parse(Array(doc.utf8))
        var counts: [SampleLabels: Int64] = [:]
        for (labels, tree) in profile.treesByLabels() { counts[labels, default: 0] += tree.totalCount }
        #expect(
            counts == [
                SampleLabels(thread: "w", tags: ["transaction": "A"]): 11,
                SampleLabels(thread: "w", tags: ["transaction": "B"]): 4,
                SampleLabels(): 48,
                SampleLabels(thread: "w", tags: ["transaction": "A", "x": "1"]): 64,
                SampleLabels(thread: "w2", tags: ["transaction": "A"]): 128,
            ])
        // A bad value is refused even after a good one.
        let bad = doc.replacingOccurrences(of: #""count":128,"thread":"w2""#, with: #""count":128,"thread":7"#)
        let error = #expect(throws: InputError.self) { try TreeringJSONParser().parse(Array(bad.utf8)) }
        #expect(error?.message.contains("samples[7].thread") == true, "\(error?.message ?? "")")
    }

    @Test func stringEscapesDecode() throws {
        let json = #"""
            {"format":"treering/1","app":"a","start":1,"end":2,"interval_ms":1,
             "frames":[{"name":"q\"b\\s\/\n\u00e9\ud83d\ude00\ud800x","file":"f","line":3}],
             "samples":[{"stack":[0],"count":2}]}
            """#
        let profile = try TreeringJSONParser().parse(Array(json.utf8))
        #expect(profile.frames[0].name == "q\"b\\s/\né😀\u{FFFD}x")
    }

    @Test func limitsAreSettings() throws {
        var limits = ProfileLimits()
        limits.maxSamples = 1
        let error = #expect(throws: InputError.self) { try TreeringJSONParser(limits: limits).parse(VectorCase.all[0].bytes) }
        #expect(error?.message == "samples: more than 1 samples")
        limits = ProfileLimits()
        limits.maxStackDepth = 2
        let deep = #expect(throws: InputError.self) { try TreeringJSONParser(limits: limits).parse(VectorCase.all[0].bytes) }
        #expect(deep?.message == "samples[0].stack: deeper than the limit of 2 frames")
        limits = ProfileLimits()
        limits.maxFrames = 2
        let frames = #expect(throws: InputError.self) { try TreeringJSONParser(limits: limits).parse(VectorCase.all[0].bytes) }
        #expect(frames?.message == "frames: more than 2 frames")
    }

    @Test func truncatedInputIsAClearErrorAtEveryLength() {
        // Every prefix of a valid upload is refused with a message, never a crash.
        let bytes = VectorCase.all[0].bytes
        for n in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: InputError.self) { try TreeringJSONParser().parse(Array(bytes[..<n])) }
        }
    }

    @Test func hostileNestingInAnUnknownFieldDoesNotRecurse() {
        let depth = 1_000_000
        let json = #"{"format":"treering/1","x":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        let error = #expect(throws: InputError.self) { try TreeringJSONParser().parse(Array(json.utf8)) }
        #expect(error?.code == .limitExceeded)
        #expect(error?.message.hasPrefix("x: JSON nested deeper") == true)
    }
}
