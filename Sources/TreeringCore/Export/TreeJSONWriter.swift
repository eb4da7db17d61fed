/// Writes a call tree as the compact JSON the browser reads:
///
///     {"interval_ms": 10, "total": 15,
///      "frames": {"name": [...], "file": [...], "line": [...]},
///      "nodes": {"parent": [-1, 0, 1], "frame": [-1, 0, 1], "total": [...], "self": [...]}}
///
/// Columns, not nested objects: a 100,000-node tree stays a few MB and
/// decodes without recursion. Node 0 is the root; nodes are in pre-order with
/// siblings by total descending, so parents come before children. Only the
/// frames the tree uses are listed, in order of first use.
public struct TreeJSONWriter: Sendable {
    public init() {}

    public func write(
        _ tree: CallTree, frame: (Int32) -> Frame, intervalMs: Double, id: String? = nil, myPackages: [String] = []
    ) -> [UInt8] {
        let order = tree.preorder()
        var newIndex = [Int32](repeating: -1, count: tree.nodeCount)
        var frameIndex: [Int32: Int32] = [:]
        var usedFrames: [Frame] = []
        var nodeFrames: [Int32] = []
        nodeFrames.reserveCapacity(order.count)
        for (i, n) in order.enumerated() {
            newIndex[Int(n)] = Int32(i)
            let f = tree.frames[Int(n)]
            if n == 0 {
                nodeFrames.append(-1)
            } else if let known = frameIndex[f] {
                nodeFrames.append(known)
            } else {
                let k = Int32(usedFrames.count)
                frameIndex[f] = k
                usedFrames.append(frame(f))
                nodeFrames.append(k)
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(order.count * 24 + usedFrames.count * 64)
        JSONText.append("{", to: &out)
        if let id {
            JSONText.append("\"id\":", to: &out)
            JSONText.appendString(id, to: &out)
            JSONText.append(",", to: &out)
        }
        if !myPackages.isEmpty {
            // The app's own packages, which the dashboard does not fold as library code.
            JSONText.append("\"my_packages\":[", to: &out)
            list(myPackages, &out) { JSONText.appendString($0, to: &$1) }
            JSONText.append("],", to: &out)
        }
        JSONText.append("\"interval_ms\":", to: &out)
        JSONText.appendNumber(intervalMs, to: &out)
        JSONText.append(",\"total\":", to: &out)
        JSONText.appendInteger(tree.totalCount, to: &out)
        JSONText.append(",\"frames\":{\"name\":[", to: &out)
        list(usedFrames, &out) { JSONText.appendString($0.name, to: &$1) }
        JSONText.append("],\"file\":[", to: &out)
        list(usedFrames, &out) { JSONText.appendString($0.file, to: &$1) }
        JSONText.append("],\"line\":[", to: &out)
        list(usedFrames, &out) { JSONText.appendInteger($0.line, to: &$1) }
        JSONText.append("]},\"nodes\":{\"parent\":[", to: &out)
        list(order, &out) { n, o in
            let p = tree.parents[Int(n)]
            JSONText.appendInteger(p < 0 ? -1 : newIndex[Int(p)], to: &o)
        }
        JSONText.append("],\"frame\":[", to: &out)
        list(nodeFrames, &out) { JSONText.appendInteger($0, to: &$1) }
        JSONText.append("],\"total\":[", to: &out)
        list(order, &out) { JSONText.appendInteger(tree.totals[Int($0)], to: &$1) }
        JSONText.append("],\"self\":[", to: &out)
        list(order, &out) { JSONText.appendInteger(tree.selfCounts[Int($0)], to: &$1) }
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
