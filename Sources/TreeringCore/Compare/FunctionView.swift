/// One function's neighbourhood in a call tree, every occurrence merged
/// (speedscope's "sandwich", Pyroscope's inverted view):
///
/// - `callees`: the function at the root and what it calls below, the
///   subtrees of all its occurrences merged;
/// - `callers`: the function at the root and its callers outward, each
///   sample's path above the function read upward.
///
/// Recursion is collapsed: a sample counts once, at the function's outermost
/// occurrence on its stack, so a recursive function is not counted twice and
/// the root's total is the samples with the function anywhere on the stack.
/// The answers are call trees over the input's frame ids.
public enum FunctionView {
    public static func callees(of isFunction: (Int32) -> Bool, in tree: CallTree, rootFrame: Int32) -> CallTree {
        var out = CallTree()
        forEachSample(of: isFunction, in: tree) { path, outermost, count in
            var stack = [rootFrame]
            stack.append(contentsOf: path[(outermost + 1)...])
            out.add(stack: stack, count: count)
        }
        return out
    }

    public static func callers(of isFunction: (Int32) -> Bool, in tree: CallTree, rootFrame: Int32) -> CallTree {
        var out = CallTree()
        forEachSample(of: isFunction, in: tree) { path, outermost, count in
            var stack = [rootFrame]
            stack.append(contentsOf: path[..<outermost].reversed())
            out.add(stack: stack, count: count)
        }
        return out
    }

    /// Every distinct stack holding the function: its frames, the index of
    /// the function's outermost occurrence, and the count.
    static func forEachSample(
        of isFunction: (Int32) -> Bool, in tree: CallTree, _ body: (_ path: [Int32], _ outermost: Int, _ count: Int64) -> Void
    ) {
        var matches: [Int32: Bool] = [:]
        // Depth of the outermost match on the current path, per node (-1: none).
        var outermost = [Int](repeating: -1, count: tree.nodeCount)
        var depth = [Int](repeating: 0, count: tree.nodeCount)
        for i in 1..<max(tree.nodeCount, 1) {
            let parent = Int(tree.parents[i])
            depth[i] = depth[parent] + 1
            let frame = tree.frames[i]
            let match: Bool
            if let known = matches[frame] {
                match = known
            } else {
                match = isFunction(frame)
                matches[frame] = match
            }
            outermost[i] = outermost[parent] >= 0 ? outermost[parent] : (match ? depth[i] - 1 : -1)
        }
        tree.forEachStackWithNode { path, node, count in
            let at = outermost[Int(node)]
            if at >= 0 { body(path, at, count) }
        }
    }
}
