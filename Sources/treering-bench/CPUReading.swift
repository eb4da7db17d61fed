import Foundation

/// CPU seconds used so far by the servers, the database and this
/// benchmark; the difference of two readings is what happened between.
struct CPUReading {
    /// nil when the servers run in the benchmark's process (then `bench` holds them).
    var servers: Double?
    /// nil for SQLite, or a PostgreSQL this machine cannot see.
    var database: Double?
    var bench: Double
    /// Every core of the machine, whoever used it.
    var machine: Double

    static func now(servers: [Int32], postmaster: Int32?) -> CPUReading {
        CPUReading(
            servers: servers.isEmpty ? nil : servers.reduce(0) { $0 + (CPUTime.seconds($1) ?? 0) },
            database: postmaster.flatMap { CPUTime.cluster(postmaster: $0) },
            bench: CPUTime.seconds(getpid()) ?? 0, machine: CPUTime.machine())
    }

    /// What the machine's other processes used (builds, tests, another database).
    var others: Double { max(0, machine - (servers ?? 0) - (database ?? 0) - bench) }

    static func - (a: CPUReading, b: CPUReading) -> CPUReading {
        CPUReading(
            servers: a.servers.flatMap { x in b.servers.map { x - $0 } },
            database: a.database.flatMap { x in b.database.map { x - $0 } },
            bench: a.bench - b.bench, machine: a.machine - b.machine)
    }
}
