/// What the tree JSON and the diff JSON share: the nodes renumbered in the
/// order they are written (pre-order, so parents come first), the frames
/// they use in order of first use, and the `frames` object and the
/// `parent`/`frame` columns written from them. Each writer adds its count
/// columns.
struct TreeColumns {
    let order: [Int32]
    private(set) var usedFrames: [Frame] = []
    /// Per written node: its index into `usedFrames` (-1 for the root).
    private(set) var nodeFrames: [Int32] = []
    /// Per written node: its parent's written index (-1 for the root).
    private(set) var parents: [Int32] = []

    /// `parents` and `frames` are the tree's own columns, by node id.
    init(order: [Int32], parents treeParents: [Int32], frames treeFrames: [Int32], frame: (Int32) -> Frame) {
        self.order = order
        var newIndex = [Int32](repeating: -1, count: treeParents.count)
        var frameIndex: [Int32: Int32] = [:]
        nodeFrames.reserveCapacity(order.count)
        parents.reserveCapacity(order.count)
        for (i, n) in order.enumerated() {
            newIndex[Int(n)] = Int32(i)
            let p = treeParents[Int(n)]
            parents.append(p < 0 ? -1 : newIndex[Int(p)])
            let f = treeFrames[Int(n)]
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
    }

    /// `"frames":{…},"nodes":{"parent":[…],"frame":[…]`, the nodes object left open.
    func appendFramesAndShape(to out: inout [UInt8]) {
        JSONText.append("\"frames\":{\"name\":[", to: &out)
        JSONText.appendList(usedFrames, to: &out) { JSONText.appendString($0.name, to: &$1) }
        JSONText.append("],\"file\":[", to: &out)
        JSONText.appendList(usedFrames, to: &out) { JSONText.appendString($0.file, to: &$1) }
        JSONText.append("],\"line\":[", to: &out)
        JSONText.appendList(usedFrames, to: &out) { JSONText.appendInteger($0.line, to: &$1) }
        JSONText.append("]},\"nodes\":{\"parent\":[", to: &out)
        JSONText.appendList(parents, to: &out) { JSONText.appendInteger($0, to: &$1) }
        JSONText.append("],\"frame\":[", to: &out)
        JSONText.appendList(nodeFrames, to: &out) { JSONText.appendInteger($0, to: &$1) }
        JSONText.append("]", to: &out)
    }

    /// `,"NAME":[…]`: one count per written node, read from `values` by node id.
    func appendColumn(_ name: StaticString, _ values: [Int64], to out: inout [UInt8]) {
        JSONText.append(",\"", to: &out)
        JSONText.append(name, to: &out)
        JSONText.append("\":[", to: &out)
        JSONText.appendList(order, to: &out) { JSONText.appendInteger(values[Int($0)], to: &$1) }
        JSONText.append("]", to: &out)
    }
}
