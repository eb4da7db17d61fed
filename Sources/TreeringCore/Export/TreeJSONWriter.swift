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
        let columns = TreeColumns(order: tree.preorder(), parents: tree.parents, frames: tree.frames, frame: frame)
        var out: [UInt8] = []
        out.reserveCapacity(columns.order.count * 24 + columns.usedFrames.count * 64)
        JSONText.append("{", to: &out)
        if let id {
            JSONText.append("\"id\":", to: &out)
            JSONText.appendString(id, to: &out)
            JSONText.append(",", to: &out)
        }
        if !myPackages.isEmpty {
            // The app's own packages, which the dashboard does not fold as library code.
            JSONText.append("\"my_packages\":[", to: &out)
            JSONText.appendList(myPackages, to: &out) { JSONText.appendString($0, to: &$1) }
            JSONText.append("],", to: &out)
        }
        JSONText.append("\"interval_ms\":", to: &out)
        JSONText.appendNumber(intervalMs, to: &out)
        JSONText.append(",\"total\":", to: &out)
        JSONText.appendInteger(tree.totalCount, to: &out)
        JSONText.append(",", to: &out)
        columns.appendFramesAndShape(to: &out)
        columns.appendColumn("total", tree.totals, to: &out)
        columns.appendColumn("self", tree.selfCounts, to: &out)
        JSONText.append("}}", to: &out)
        return out
    }

}
