import Foundation
import Testing

@testable import TreeringCore

@Suite struct IdleSamplesTests {
    func upload(tags: String, sampleTags: String = "") throws -> Profile {
        let text = """
            {"format": "treering/1", "app": "shop", "start": 1, "end": 11, "interval_ms": 10, "tags": {\(tags)},
             "frames": [{"name": "main", "file": "app.py", "line": 1}, {"name": "wait", "file": "threading.py", "line": 2}],
             "samples": [{"stack": [0], "count": 3, "thread": "MainThread"},
                         {"stack": [0, 1], "count": 2, "thread": "Worker"\(sampleTags)}]}
            """
        return try TreeringJSONParser().parse(Array(text.utf8))
    }

    func folded(_ profile: Profile) -> [String] {
        FoldedWriter().write(profile.mergedTree()) { profile.frames[$0] }.split(separator: "\n").map(String.init)
    }

    @Test func cpuClockCountBecomesOneIdleStack() throws {
        let profile = try upload(tags: #""treering.clock": "cpu", "treering.idle_samples": "7""#)
        #expect(profile.mergedTree().totalCount == 12)
        #expect(folded(profile).contains("(idle) 7"))
        #expect(folded(profile).contains("main (app.py:1) 3"))
    }

    @Test func wallClockIdleSamplesGetAnIdleLeafAndTheCountIsNotAddedAgain() throws {
        let profile = try upload(
            tags: #""treering.clock": "wall", "treering.idle_samples": "2""#,
            sampleTags: #", "tags": {"state": "idle"}"#)
        #expect(profile.mergedTree().totalCount == 5)
        #expect(folded(profile).contains("main (app.py:1);wait (threading.py:2);(idle) 2"))
        #expect(!folded(profile).contains("(idle) 2"))
    }

    @Test(arguments: ["0", "-4", "x", "1e3", "99999999999999999999"])
    func aCountThatIsNotAWholePositiveNumberIsIgnored(_ value: String) throws {
        let profile = try upload(tags: #""treering.idle_samples": "\#(value)""#)
        #expect(profile.mergedTree().totalCount == 5)
        #expect(profile.frames.id(of: IdleSamples.frame) == nil)
    }

    @Test func anUploadWithoutIdleBookkeepingIsUnchanged() throws {
        let profile = try upload(tags: #""env": "prod""#)
        #expect(profile.frames.count == 2)
        #expect(folded(profile) == ["main (app.py:1) 3", "main (app.py:1);wait (threading.py:2) 2"])
    }
}
