/// Writes a diff tree as the compact JSON the browser reads, the tree JSON's
/// columns with two counts per node instead of one:
///
///     {"base": {"total": 90, "interval_ms": 10}, "target": {"total": 120, "interval_ms": 10},
///      "frames": {"name": [...], "file": [...], "line": [...]},
///      "nodes": {"parent": [...], "frame": [...],
///                "base_total": [...], "base_self": [...], "target_total": [...], "target_self": [...]}}
///
/// Node 0 is the root; nodes are in pre-order (siblings by target total,
/// then base total), so parents come before children.
public struct DiffJSONWriter: Sendable {
    public init() {}

    public func write(_ diff: DiffTree, baseIntervalMs: Double, targetIntervalMs: Double) -> [UInt8] {
        let order = diff.preorder()
        var newIndex = [Int32](repeating: -1, count: diff.nodeCount)
        var frameIndex: [Int32: Int32] = [:]
        var usedFrames: [Frame] = []
        var nodeFrames: [Int32] = []
        nodeFrames.reserveCapacity(order.count)
        for (i, n) in order.enumerated() {
            newIndex[Int(n)] = Int32(i)
            let f = diff.shape.frames[Int(n)]
            if n == 0 {
                nodeFrames.append(-1)
            } else if let known = frameIndex[f] {
                nodeFrames.append(known)
            } else {
                let k = Int32(usedFrames.count)
                frameIndex[f] = k
                usedFrames.append(diff.frames[f])
                nodeFrames.append(k)
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(order.count * 40 + usedFrames.count * 64)
        JSONText.append("{\"base\":{\"total\":", to: &out)
        JSONText.appendInteger(diff.baseCount, to: &out)
        JSONText.append(",\"interval_ms\":", to: &out)
        JSONText.appendNumber(baseIntervalMs, to: &out)
        JSONText.append("},\"target\":{\"total\":", to: &out)
        JSONText.appendInteger(diff.targetCount, to: &out)
        JSONText.append(",\"interval_ms\":", to: &out)
        JSONText.appendNumber(targetIntervalMs, to: &out)
        JSONText.append("},\"frames\":{\"name\":[", to: &out)
        list(usedFrames, &out) { JSONText.appendString($0.name, to: &$1) }
        JSONText.append("],\"file\":[", to: &out)
        list(usedFrames, &out) { JSONText.appendString($0.file, to: &$1) }
        JSONText.append("],\"line\":[", to: &out)
        list(usedFrames, &out) { JSONText.appendInteger($0.line, to: &$1) }
        JSONText.append("]},\"nodes\":{\"parent\":[", to: &out)
        list(order, &out) { n, o in
            let p = diff.shape.parents[Int(n)]
            JSONText.appendInteger(p < 0 ? -1 : newIndex[Int(p)], to: &o)
        }
        JSONText.append("],\"frame\":[", to: &out)
        list(nodeFrames, &out) { JSONText.appendInteger($0, to: &$1) }
        let columns: [(StaticString, [Int64])] = [
            ("],\"base_total\":[", diff.baseTotal), ("],\"base_self\":[", diff.baseSelf),
            ("],\"target_total\":[", diff.targetTotal), ("],\"target_self\":[", diff.targetSelf),
        ]
        for (name, column) in columns {
            JSONText.append(name, to: &out)
            list(order, &out) { JSONText.appendInteger(column[Int($0)], to: &$1) }
        }
        JSONText.append("]}}", to: &out)
        return out
    }

    private func list<T>(_ items: [T], _ out: inout [UInt8], _ body: (T, inout [UInt8]) -> Void) {
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            body(item, &out)
        }
    }
}
