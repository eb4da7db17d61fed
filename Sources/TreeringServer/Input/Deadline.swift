/// Runs `work`, or throws `onTimeout` once `seconds` have passed: a client
/// that trickles its body holds a connection and a task only so long.
func withDeadline<T: Sendable>(
    seconds: Double, onTimeout: @autoclosure @escaping @Sendable () -> any Error,
    _ work: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw onTimeout()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
