import Foundation

/// `psql` against one URL: the benchmark creates, measures and drops its
/// PostgreSQL databases through it, so it needs no PostgreSQL client of its own.
struct PSQL {
    var url: String

    /// The first `psql` on PATH, else Debian's newest.
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let onPath = path.split(separator: ":").map { "\($0)/psql" }
        let debian = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted { $0.compare($1, options: .numeric) == .orderedDescending }
            .map { "/usr/lib/postgresql/\($0)/bin/psql" }
        return (onPath + debian).first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Runs one statement; returns what it printed, unaligned, without headers.
    @discardableResult func run(_ sql: String) throws -> String {
        guard let psql = Self.executable else { throw BenchError("psql not found: apt-get install postgresql-client") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: psql)
        process.arguments = ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("psql: \(sql): \(String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func int(_ sql: String) throws -> Int {
        let text = try run(sql)
        guard let value = Int(text) else { throw BenchError("psql: \(sql): expected a number, got \"\(text)\"") }
        return value
    }

    /// The URL of another database on the same server (same user, host, options).
    func database(_ name: String) throws -> PSQL {
        guard var parts = URLComponents(string: url) else { throw BenchError("--db: not a URL: \(url)") }
        parts.path = "/" + name
        guard let other = parts.string else { throw BenchError("--db: cannot name database \(name) in \(url)") }
        return PSQL(url: other)
    }
}
