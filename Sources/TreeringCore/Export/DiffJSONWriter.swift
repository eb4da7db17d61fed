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
        let columns = TreeColumns(
            order: diff.preorder(), parents: diff.shape.parents, frames: diff.shape.frames, frame: { diff.frames[$0] })
        var out: [UInt8] = []
        out.reserveCapacity(columns.order.count * 40 + columns.usedFrames.count * 64)
        JSONText.append("{\"base\":{\"total\":", to: &out)
        JSONText.appendInteger(diff.baseCount, to: &out)
        JSONText.append(",\"interval_ms\":", to: &out)
        JSONText.appendNumber(baseIntervalMs, to: &out)
        JSONText.append("},\"target\":{\"total\":", to: &out)
        JSONText.appendInteger(diff.targetCount, to: &out)
        JSONText.append(",\"interval_ms\":", to: &out)
        JSONText.appendNumber(targetIntervalMs, to: &out)
        JSONText.append("},", to: &out)
        columns.appendFramesAndShape(to: &out)
        columns.appendColumn("base_total", diff.baseTotal, to: &out)
        columns.appendColumn("base_self", diff.baseSelf, to: &out)
        columns.appendColumn("target_total", diff.targetTotal, to: &out)
        columns.appendColumn("target_self", diff.targetSelf, to: &out)
        JSONText.append("}}", to: &out)
        return out
    }

}
