import Testing

@testable import TreeringCore

@Suite struct FunctionViewTests {
    /// Brute force over the stacks themselves: for each stack holding the
    /// function, the part below (callees) or above (callers, reversed) its
    /// outermost occurrence, counted once.
    static func bruteForce(_ stacks: [([Int32], Int64)], function: Int32, callers: Bool) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for (stack, count) in stacks {
            guard let at = stack.firstIndex(of: function) else { continue }
            let rest = callers ? Array(stack[..<at].reversed()) : Array(stack[(at + 1)...])
            out[([function] + rest).map(String.init).joined(separator: ";"), default: 0] += count
        }
        return out
    }

    static func stacks(of tree: CallTree) -> [String: Int64] {
        var out: [String: Int64] = [:]
        tree.forEachStack { stack, count in out[stack.map(String.init).joined(separator: ";"), default: 0] += count }
        return out
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func calleesAndCallersOfARandomTreeEqualABruteForceWalk(seed: UInt64) {
        let stacks = randomStacks(seed: seed, count: 80, frames: 5)
        let whole = tree(stacks)
        for function: Int32 in 0..<5 {
            let callees = FunctionView.callees(of: { $0 == function }, in: whole, rootFrame: function)
            let callers = FunctionView.callers(of: { $0 == function }, in: whole, rootFrame: function)
            #expect(Self.stacks(of: callees) == Self.bruteForce(stacks, function: function, callers: false))
            #expect(Self.stacks(of: callers) == Self.bruteForce(stacks, function: function, callers: true))
            // Recursion counted once: the root's total is the samples with the function on the stack.
            let onStack = stacks.filter { $0.0.contains(function) }.reduce(0) { $0 + $1.1 }
            #expect(callees.totalCount == onStack)
            #expect(callers.totalCount == onStack)
        }
    }

    @Test func aRecursiveFunctionIsNotCountedTwice() {
        // main -> f -> g -> f -> h: 10 samples; f at the root of the view holds 10, not 20.
        let whole = tree([([0, 1, 2, 1, 3], 10)])
        let callees = FunctionView.callees(of: { $0 == 1 }, in: whole, rootFrame: 1)
        #expect(callees.totalCount == 10)
        #expect(Self.stacks(of: callees) == ["1;2;1;3": 10])
        let callers = FunctionView.callers(of: { $0 == 1 }, in: whole, rootFrame: 1)
        #expect(Self.stacks(of: callers) == ["1;0": 10])
    }
}
