import Testing

@testable import TreeringCore

@Suite struct ImportParserTests {
    let meta = ProfileMetadata(app: "imported", start: 1, end: 2, intervalMs: 10)

    func folded(_ profile: Profile) -> String {
        FoldedWriter().write(profile.mergedTree(), frame: { profile.frames[$0] })
    }

    @Test func foldedReadsPySpyFramesThreadsAndEmptyStacks() throws {
        let text = """
            thread (10903): MainThread;<module> (app.py:1);main (app.py:5) 7
            <module> (app.py:1);main (app.py:5);hot (lib/x y.py:9) 30
            java/lang/Thread.run;foo 2
             3

            """
        let profile = try FoldedParser(metadata: meta).parse(Array(text.utf8))
        #expect(profile.samples.totalCount == 42)
        #expect(profile.threads == ["thread (10903): MainThread"])
        #expect(
            folded(profile) == """
                (no stack) 3
                <module> (app.py:1);main (app.py:5) 7
                <module> (app.py:1);main (app.py:5);hot (lib/x y.py:9) 30
                java/lang/Thread.run;foo 2

                """)
    }

    @Test func foldedRefusesABadCountNamingTheLine() {
        #expect(throws: InputError.invalid("line 2", "count \"x\" is not a whole number >= 0")) {
            try FoldedParser(metadata: meta).parse(Array("a;b 1\na;b x\n".utf8))
        }
    }

    @Test func speedscopeEventedBecomesWeightedStacks() throws {
        let json = """
            {"shared":{"frames":[{"name":"main","file":"a.py","line":1},{"name":"hot","file":"a.py","line":5}]},
             "profiles":[{"type":"evented","name":"p","unit":"milliseconds","startValue":0,"endValue":10,
               "events":[{"type":"O","at":0,"frame":0},{"type":"O","at":2,"frame":1},{"type":"C","at":9,"frame":1},{"type":"C","at":10,"frame":0}]}]}
            """
        let profile = try SpeedscopeParser(metadata: meta).parse(Array(json.utf8))
        #expect(profile.metadata.intervalMs == 0.001)
        #expect(folded(profile) == "main (a.py:1) 3000\nmain (a.py:1);hot (a.py:5) 7000\n")
    }

    @Test func speedscopeRefusesAMismatchedClose() {
        let json = """
            {"shared":{"frames":[{"name":"a"},{"name":"b"}]},"profiles":[{"type":"evented","unit":"seconds",
              "events":[{"type":"O","at":0,"frame":0},{"type":"O","at":1,"frame":1},{"type":"C","at":2,"frame":0}]}]}
            """
        #expect(throws: InputError.invalid("profiles[0].events[2]", "closes frame 0 but frame 1 is the innermost open one")) {
            try SpeedscopeParser(metadata: meta).parse(Array(json.utf8))
        }
    }

    @Test func speedscopeMissingFieldIsNamed() {
        #expect(throws: InputError.missing("shared")) {
            try SpeedscopeParser(metadata: meta).parse(Array(#"{"profiles":[]}"#.utf8))
        }
    }

    @Test func pprofCPUProfileBecomesSamplesUnderTheirCallers() throws {
        var p = Perftools_Profiles_Profile()
        p.stringTable = ["", "cpu", "nanoseconds", "main", "a.py", "hot", "route", "/orders"]
        p.sampleType = [
            .with {
                $0.type = 1
                $0.unit = 2
            }
        ]
        p.periodType = .with {
            $0.type = 1
            $0.unit = 2
        }
        p.period = 10_000_000
        p.function = [
            .with {
                $0.id = 1
                $0.name = 3
                $0.filename = 4
                $0.startLine = 1
            },
            .with {
                $0.id = 2
                $0.name = 5
                $0.filename = 4
                $0.startLine = 5
            },
        ]
        p.location = [
            .with {
                $0.id = 1
                $0.line = [.with { $0.functionID = 1 }]
            },
            .with {
                $0.id = 2
                $0.line = [.with { $0.functionID = 2 }]
            },
        ]
        // Leaf first, as pprof writes stacks.
        p.sample = [
            .with {
                $0.locationID = [2, 1]
                $0.value = [50_000_000]
                $0.label = [
                    .with {
                        $0.key = 6
                        $0.str = 7
                    }
                ]
            },
            .with {
                $0.locationID = [1]
                $0.value = [20_000_000]
            },
        ]
        let profile = try PprofParser(metadata: meta).parse(Array(try p.serializedBytes() as [UInt8]))
        #expect(profile.metadata.intervalMs == 10)
        #expect(folded(profile) == "main (a.py:1) 2\nmain (a.py:1);hot (a.py:5) 5\n")
        #expect(profile.labels.contains { $0.tagDictionary == ["route": "/orders"] })
    }

    @Test func pprofGarbageIsAClearError() {
        #expect(throws: InputError.self) { try PprofParser(metadata: meta).parse([0xff, 0xff, 0xff]) }
    }
}

@Suite struct UploadFormatTests {
    @Test func sniffTellsTheFormatsApart() throws {
        #expect(UploadFormat.sniff(Array("\n\na;b 1\n".utf8)) == .folded)
        #expect(UploadFormat.sniff(Array(#" {"format":"treering/1"}"#.utf8)) == .treering)
        #expect(UploadFormat.sniff(Array(#"{"$schema":"https://www.speedscope.app/file-format-schema.json"}"#.utf8)) == .speedscope)
        var p = Perftools_Profiles_Profile()
        p.stringTable = ["", "cpu"]
        p.sampleType = [
            .with {
                $0.type = 1
                $0.unit = 1
            }
        ]
        #expect(UploadFormat.sniff(try p.serializedBytes()) == .pprof)
    }
}
