/// Writes a call tree as a speedscope file (one sampled profile), which
/// speedscope.app opens with the same totals: each distinct stack is one
/// sample weighted by its count. The unit is `none` (counts of samples), so
/// importing the file back gives the same tree; the interval is in the name.
public struct SpeedscopeWriter: Sendable {
    public init() {}

    public func write(_ tree: CallTree, frame: (Int32) -> Frame, name: String, intervalMs: Double) -> [UInt8] {
        var index: [Int32: Int] = [:]
        var order: [Int32] = []
        var stacks: [[Int]] = []
        var weights: [Int64] = []
        tree.forEachStack { stack, count in
            stacks.append(
                stack.map { id in
                    if let i = index[id] { return i }
                    index[id] = order.count
                    order.append(id)
                    return order.count - 1
                })
            weights.append(count)
        }
        var out: [UInt8] = []
        out.reserveCapacity(64 * order.count + 8 * stacks.count)
        JSONText.append(#"{"$schema":"https://www.speedscope.app/file-format-schema.json","exporter":"treering","name":"#, to: &out)
        JSONText.appendString(name, to: &out)
        JSONText.append(#","activeProfileIndex":0,"shared":{"frames":["#, to: &out)
        for (i, id) in order.enumerated() {
            let f = frame(id)
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.append(#"{"name":"#, to: &out)
            JSONText.appendString(f.name, to: &out)
            if !f.file.isEmpty {
                JSONText.append(#","file":"#, to: &out)
                JSONText.appendString(f.file, to: &out)
                JSONText.append(#","line":"#, to: &out)
                JSONText.appendInteger(f.line, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        JSONText.append(#"]},"profiles":[{"type":"sampled","name":"#, to: &out)
        JSONText.appendString("\(name) (samples every \(intervalMs) ms)", to: &out)
        JSONText.append(#","unit":"none","startValue":0,"endValue":"#, to: &out)
        JSONText.appendInteger(tree.totalCount, to: &out)
        JSONText.append(#","samples":["#, to: &out)
        for (i, stack) in stacks.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            for (j, f) in stack.enumerated() {
                if j > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendInteger(f, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        JSONText.append(#"],"weights":["#, to: &out)
        for (i, w) in weights.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendInteger(w, to: &out)
        }
        JSONText.append("]}]}", to: &out)
        return out
    }
}
