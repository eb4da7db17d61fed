/// Walks over tree columns where every parent's id is smaller than its
/// children's: the call tree's and the diff tree's, which differ only in how
/// siblings are ordered and what a node counts.
enum TreeWalk {
    /// Child ids of every node, each list sorted by `areInOrder`.
    static func childLists(parents: [Int32], by areInOrder: (Int32, Int32) -> Bool) -> [[Int32]] {
        var lists = [[Int32]](repeating: [], count: parents.count)
        for i in 1..<max(parents.count, 1) { lists[Int(parents[i])].append(Int32(i)) }
        for i in lists.indices where lists[i].count > 1 { lists[i].sort(by: areInOrder) }
        return lists
    }

    /// Node ids in pre-order, siblings in the order of `childLists`.
    static func preorder(_ childLists: [[Int32]]) -> [Int32] {
        var order: [Int32] = []
        order.reserveCapacity(childLists.count)
        var stack: [Int32] = [0]
        while let n = stack.popLast() {
            order.append(n)
            stack.append(contentsOf: childLists[Int(n)].reversed())
        }
        return order
    }

    /// Every node but the root in `order` (a pre-order), with the frames on
    /// the path from the root to it, root first.
    static func forEachPath(
        order: [Int32], parents: [Int32], frames: [Int32], _ body: (_ path: [Int32], _ node: Int32) -> Void
    ) {
        var path: [Int32] = []
        var pathNodes: [Int32] = []
        for n in order where n != 0 {
            let parent = parents[Int(n)]
            while let last = pathNodes.last, last != parent {
                pathNodes.removeLast()
                path.removeLast()
            }
            pathNodes.append(n)
            path.append(frames[Int(n)])
            body(path, n)
        }
    }
}
