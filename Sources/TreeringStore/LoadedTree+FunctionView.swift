import TreeringCore

extension LoadedTree {
    public enum Direction: Sendable {
        case callers, callees
    }

    /// The callers or callees of the frames `matches` picks, every occurrence
    /// merged (see `FunctionView`); nil when no frame of the tree matches.
    public func functionView(_ direction: Direction, matching matches: (Frame) -> Bool) -> LoadedTree? {
        let ids = frames.filter { matches($0.value) }.keys.sorted()
        guard let root = ids.first else { return nil }
        let set = Set(ids)
        let view =
            switch direction {
            case .callers: FunctionView.callers(of: { set.contains($0) }, in: tree, rootFrame: root)
            case .callees: FunctionView.callees(of: { set.contains($0) }, in: tree, rootFrame: root)
            }
        return LoadedTree(tree: view, frames: frames, intervalMs: intervalMs)
    }
}
