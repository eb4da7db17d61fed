// libFuzzer entry point for every parser of input a client controls. One
// binary, the target picked by TREERING_FUZZ_TARGET; built and run by
// scripts/fuzz.sh with -sanitize=fuzzer,address. A target may throw the
// parser's own refusal (that is the parser working); it must never trap,
// hang or read out of bounds.
import Foundation
import TreeringCore

enum Target: String, CaseIterable {
    case treering1, folded, speedscope, pprof, pyroscopePush = "pyroscope-push", sessionSpec = "session-spec", time, treeBlob = "tree-blob"
}

let target: Target = {
    let name = ProcessInfo.processInfo.environment["TREERING_FUZZ_TARGET"] ?? ""
    guard let t = Target(rawValue: name) else {
        FileHandle.standardError.write(Data("TREERING_FUZZ_TARGET must be one of \(Target.allCases.map(\.rawValue))\n".utf8))
        exit(2)
    }
    return t
}()

/// Small limits, so the fuzzer spends its time on structure, not size.
let limits: ProfileLimits = {
    var l = ProfileLimits()
    l.maxFrames = 10_000
    l.maxSamples = 10_000
    return l
}()

let metadata = ProfileMetadata(app: "fuzz", start: 1_732_460_000, end: 1_732_460_010, intervalMs: 10)

/// What the server does with a profile it accepts: checks its names, splits
/// it into series trees, writes them back.
func use(_ profile: Profile) {
    _ = try? profile.checkText()
    for (_, tree) in profile.treesByLabels() {
        _ = TreeBlobCodec.encode(tree)
        _ = FoldedWriter().write(tree) { profile.frames[$0] }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch target {
    case .treering1: if let p = try? TreeringJSONParser(limits: limits).parse(bytes) { use(p) }
    case .folded: if let p = try? FoldedParser(metadata: metadata, limits: limits).parse(bytes) { use(p) }
    case .speedscope: if let p = try? SpeedscopeParser(metadata: metadata, limits: limits).parse(bytes) { use(p) }
    case .pprof: if let p = try? PprofParser(metadata: metadata, limits: limits).parse(bytes) { use(p) }
    case .pyroscopePush:
        if let push = try? PyroscopePush(bytes) {
            for series in push.series {
                for raw in series.profiles { if let p = try? PprofParser(metadata: metadata, limits: limits).parse(raw) { use(p) } }
            }
        }
    case .sessionSpec:
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? SessionSpecBody.spec(bytes, limits: .default, maxTransactionBytes: 4_096)
        let fields = text.split(separator: "&").map { pair -> (key: String, value: String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        _ = try? SessionSpecParser().parse(form: fields)
    case .time:
        // Query times and durations as the query string carries them.
        let text = String(decoding: bytes, as: UTF8.self)
        if let t = try? TimeExpression.parse(text, now: 1_732_460_000, path: "from") {
            for size in RollupPlan.resolutions { _ = RollupPlan.floor(t, size) }
            _ = RollupPlan(from: t, until: t + 86_400)
        }
        _ = DurationText.seconds(text).map(DurationText.describe)
    case .treeBlob:
        // Stored trees come from the server itself, but a damaged file must not trap it either.
        if let tree = try? TreeBlobCodec.decode(bytes) { _ = TreeBlobCodec.encode(tree) }
        var merger = TreeMerger()
        _ = try? merger.add(bytes)
    }
    return 0
}
