import TreeringCore

/// A call tree read back from the store, with the frames its ids name.
public struct LoadedTree: Sendable {
    public var tree: CallTree
    public var frames: [Int32: Frame]
    public var intervalMs: Double
    /// The app's own packages (its setting), written into the tree JSON for the dashboard.
    public var myPackages: [String] = []

    public init(tree: CallTree, frames: [Int32: Frame], intervalMs: Double) {
        self.tree = tree
        self.frames = frames
        self.intervalMs = intervalMs
    }

    public func frame(_ id: Int32) -> Frame {
        frames[id] ?? Frame(name: "<unknown frame \(id)>")
    }

    /// The compact tree JSON the API serves, labelled with the profile's id when given.
    public func json(id: String? = nil) -> [UInt8] {
        TreeJSONWriter().write(tree, frame: frame, intervalMs: intervalMs, id: id, myPackages: myPackages)
    }

    public var folded: String { FoldedWriter().write(tree, frame: frame) }

    /// A speedscope file of this tree, named `name` in speedscope.
    public func speedscope(name: String) -> [UInt8] {
        SpeedscopeWriter().write(tree, frame: frame, name: name, intervalMs: intervalMs)
    }
}
