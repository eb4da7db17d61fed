import TreeringCore

/// A call tree read back from the store, with the frames its ids name.
public struct LoadedTree: Sendable {
    public var tree: CallTree
    public var frames: [Int32: Frame]
    public var intervalMs: Double

    public init(tree: CallTree, frames: [Int32: Frame], intervalMs: Double) {
        self.tree = tree
        self.frames = frames
        self.intervalMs = intervalMs
    }

    public func frame(_ id: Int32) -> Frame {
        frames[id] ?? Frame(name: "<unknown frame \(id)>")
    }

    public var json: [UInt8] { TreeJSONWriter().write(tree, frame: frame, intervalMs: intervalMs) }
    public var folded: String { FoldedWriter().write(tree, frame: frame) }
}
