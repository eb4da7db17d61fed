import Foundation

/// Real `treering serve` processes on one database, each on a free
/// loopback port, logging to a file of its own: what a deployment with
/// several processes behind a load balancer runs.
final class ServerProcesses {
    let ports: [Int]
    var pids: [Int32] { processes.map(\.processIdentifier) }
    private let processes: [Process]
    private let logs: [String]

    /// The `treering` built beside this benchmark (same configuration).
    static func besideBench() -> String? {
        guard let bench = Bundle.main.executableURL else { return nil }
        let path = bench.deletingLastPathComponent().appendingPathComponent("treering").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Starts `count` servers on `database` and returns once each listens
    /// (a server listens only after its store is open and migrated).
    init(binary: String, count: Int, database: String, logFolder: String) async throws {
        var ports: [Int] = [], processes: [Process] = [], logs: [String] = []
        for k in 0..<count {
            let port = try FreePort.next()
            let log = "\(logFolder)/server-\(k + 1).log"
            guard FileManager.default.createFile(atPath: log, contents: nil), let handle = FileHandle(forWritingAtPath: log) else {
                throw BenchError("cannot write \(log)")
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = [
                "serve", "--host", "127.0.0.1", "--port", String(port), "--db", database,
                // The generated uploads carry 2024 dates: keep them.
                "--retention", "5200w", "--log-level", "warning",
            ]
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            ports.append(port)
            processes.append(process)
            logs.append(log)
        }
        self.ports = ports
        self.processes = processes
        self.logs = logs
        do {
            for (k, port) in ports.enumerated() {
                while !FreePort.isListening(port) {
                    guard processes[k].isRunning else {
                        throw BenchError("server \(k + 1) exited (\(processes[k].terminationStatus)):\n\(tail(k))")
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        } catch {
            await stop()
            throw error
        }
    }

    /// SIGTERM (a graceful shutdown), then SIGKILL for a server still up after 30 s.
    func stop() async {
        for process in processes where process.isRunning { process.terminate() }
        for process in processes {
            var waited = 0
            while process.isRunning && waited < 600 {
                try? await Task.sleep(for: .milliseconds(50))
                waited += 1
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
    }

    /// The end of server `k`'s log, for an error message.
    func tail(_ k: Int) -> String {
        let text = (try? String(contentsOfFile: logs[k], encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(20).joined(separator: "\n")
    }
}
