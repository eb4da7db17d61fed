import Foundation
import TreeringCore

/// Writes a synthetic treering/1 upload shaped like a real service: stacks
/// grown from shared prefixes over one frame vocabulary, each stack seen on
/// several threads and transactions so the server has equal stacks to merge.
struct UploadGenerator {
    var samples: Int
    var distinctStacks: Int
    var frames: Int
    var seed: UInt64 = 42
    /// The seed of the sample draws: another one gives the same service's
    /// stacks with other counts (the other side of a comparison).
    var sampleSeed: UInt64? = nil

    func json() -> [UInt8] {
        var rng = SplitMix(state: seed)
        var out: [UInt8] = []
        out.reserveCapacity(samples * 110 + frames * 60)
        out.append(
            contentsOf:
                #"{"format":"treering/1","app":"bench","host":"bench-1","start":1732460000,"end":1732460010,"interval_ms":10,"tags":{"env":"bench"},"frames":["#
                .utf8)
        for i in 0..<frames {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"name":"function_\#(i)","file":"pkg\#(i % 97)/module_\#(i % 1013).py","line":\#(i % 2000 + 1)}"#.utf8)
        }
        out.append(contentsOf: #"],"samples":["#.utf8)
        // Each new stack extends a prefix of an earlier one, as call paths do.
        var stacks: [[Int32]] = [[Int32(rng.next(below: 50))]]
        while stacks.count < distinctStacks {
            let base = stacks[Int(rng.next(below: UInt64(stacks.count)))]
            var stack = Array(base.prefix(Int(rng.next(below: UInt64(base.count))) + 1))
            let extra = 1 + Int(rng.next(below: 4))
            for _ in 0..<extra where stack.count < 30 { stack.append(Int32(rng.next(below: UInt64(frames)))) }
            stacks.append(stack)
        }
        if let sampleSeed { rng = SplitMix(state: sampleSeed) }
        for i in 0..<samples {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            // Skewed choice: a few stacks are hot, as in real profiles.
            let r = Double(rng.next(below: 1 << 30)) / Double(1 << 30)
            let stack = stacks[min(stacks.count - 1, Int(pow(r, 3) * Double(stacks.count)))]
            out.append(contentsOf: #"{"stack":["#.utf8)
            for (j, f) in stack.enumerated() {
                if j > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: String(f).utf8)
            }
            out.append(contentsOf: #"],"count":\#(1 + rng.next(below: 3)),"thread":"Thread-\#(rng.next(below: 8))""#.utf8)
            if i % 4 == 0 {
                out.append(contentsOf: #","tags":{"transaction":"GET /route/\#(rng.next(below: 20))"}"#.utf8)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}
