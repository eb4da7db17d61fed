import ArgumentParser

/// One row of the day's comparison: a backend and how many server
/// processes share it.
struct DayRow: Sendable, Equatable, ExpressibleByArgument {
    enum Backend: Sendable, Equatable {
        case sqlite
        case postgres
    }

    var backend: Backend
    var processes: Int

    static let sqlite = DayRow(backend: .sqlite, processes: 1)
    static let postgres1 = DayRow(backend: .postgres, processes: 1)
    static let postgres2 = DayRow(backend: .postgres, processes: 2)

    init(backend: Backend, processes: Int) {
        self.backend = backend
        self.processes = processes
    }

    /// `sqlite`, `pg1`, `pg2` (`pgN` for N processes on one database).
    init?(argument: String) {
        if argument == "sqlite" {
            self = .sqlite
        } else if argument.hasPrefix("pg"), let n = Int(argument.dropFirst(2)), (1...16).contains(n) {
            self = DayRow(backend: .postgres, processes: n)
        } else {
            return nil
        }
    }

    var name: String {
        switch backend {
        case .sqlite: return "SQLite"
        case .postgres: return "PostgreSQL ×\(processes)"
        }
    }
}
