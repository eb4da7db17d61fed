import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// CPU seconds (user + system) used by processes, from /proc: what one
/// upload costs the servers and the database, so that a run on this
/// machine, where they share the cores, says what more cores would carry.
enum CPUTime {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// The fields of /proc/PID/stat after the command name (which may hold spaces): [0] is field 3, the state.
    static func fields(_ pid: Int32) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else {
            return nil
        }
        return text[text.index(after: close)...].split(separator: " ")
    }

    /// CPU seconds of `pid`; with `reaped`, also those of its children that
    /// have exited and been waited for (a closed PostgreSQL connection's).
    static func seconds(_ pid: Int32, reaped: Bool = false) -> Double? {
        guard let f = fields(pid), f.count > 14 else { return nil }
        let ticks = [11, 12] + (reaped ? [13, 14] : [])
        return ticks.reduce(0.0) { $0 + (Double(f[$1]) ?? 0) } / ticksPerSecond
    }

    /// The live children of `pid`.
    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { child in
            guard let f = fields(child), f.count > 1 else { return false }
            return Int32(f[1]) == pid
        }
    }

    /// A PostgreSQL cluster's CPU: the postmaster, its exited backends and
    /// its live ones (backends, WAL writer, checkpointer, autovacuum).
    static func cluster(postmaster: Int32) -> Double? {
        guard let own = seconds(postmaster, reaped: true) else { return nil }
        return children(of: postmaster).reduce(own) { $0 + (seconds($1) ?? 0) }
    }

    /// Seconds the whole machine's cores spent busy (not idle, not waiting
    /// for I/O) since boot, summed over cores: who else used them is this
    /// minus what the benchmark's processes used.
    static func machine() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        else { return 0 }
        // user nice system idle iowait irq softirq steal
        let ticks = line.split(separator: " ").dropFirst().prefix(8).map { Double($0) ?? 0 }
        guard ticks.count == 8 else { return 0 }
        return (ticks.reduce(0, +) - ticks[3] - ticks[4]) / ticksPerSecond
    }

    /// The postmaster of the cluster `psql` reaches, when it runs on this
    /// machine and its data directory is readable; nil otherwise.
    static func postmaster(_ psql: PSQL) -> Int32? {
        guard let folder = try? psql.run("SELECT setting FROM pg_settings WHERE name = 'data_directory'"),
            let text = try? String(contentsOfFile: folder + "/postmaster.pid", encoding: .utf8),
            let line = text.split(separator: "\n").first, let pid = Int32(line), kill(pid, 0) == 0
        else { return nil }
        return pid
    }
}
