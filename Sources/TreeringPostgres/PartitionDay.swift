import TreeringCore

/// One daily partition of a table partitioned by time: `profile` and
/// `profile_tree` by start, `rollup` by bucket. Days are UTC, counted from 1970.
struct PartitionDay: Hashable, Sendable {
    static let seconds: Int64 = 86_400
    /// The tables partitioned by day.
    static let tables = ["profile", "profile_tree", "rollup"]

    var table: String
    var day: Int64

    init(table: String, day: Int64) {
        self.table = table
        self.day = day
    }

    /// The partition holding time `t`.
    init(table: String, time t: Double) {
        self.init(table: table, day: RollupPlan.floor(t, Self.seconds) / Self.seconds)
    }

    /// The partitions an upload starting at `start` writes to, now or when
    /// rolled up: its profile's and trees' day, and the day of each bucket
    /// holding it.
    static func forProfile(start: Double) -> [PartitionDay] {
        [PartitionDay(table: "profile", time: start), PartitionDay(table: "profile_tree", time: start)]
            + RollupPlan.resolutions.map { PartitionDay(table: "rollup", time: Double(RollupPlan.floor(start, $0))) }
    }

    /// [from, until) in the table's partition column.
    var from: Int64 { day * Self.seconds }
    var until: Int64 { (day + 1) * Self.seconds }

    /// `profile_p20261130`: the table and the UTC date.
    var name: String { "\(table)_p\(Self.date(day))" }

    /// The table's partitions are named `<table>_p<yyyymmdd>`; this reads one back.
    static func parse(table: String, name: String) -> PartitionDay? {
        let prefix = table + "_p"
        guard name.hasPrefix(prefix) else { return nil }
        let digits = name.dropFirst(prefix.count)
        guard digits.count == 8, let n = Int64(digits) else { return nil }
        return PartitionDay(table: table, day: days(year: n / 10_000, month: n / 100 % 100, day: n % 100))
    }

    /// yyyymmdd of a day number (Howard Hinnant's civil_from_days); days
    /// before 1970 cannot be stored (`UnixTime`), so they are clamped to it.
    static func date(_ n: Int64) -> String {
        let z = max(0, n) + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return String(format: "%04lld%02lld%02lld", y, m, d)
    }

    /// The day number of a date (days_from_civil).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
