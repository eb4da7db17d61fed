/// The times any input may name, checked where they are read: Unix seconds
/// from 1970 to the end of year 9999. Every computation on such a time
/// (bucket starts in Int64 seconds, milliseconds for the dashboard) stays
/// far inside the range of its type, so no later step can trap.
public enum UnixTime {
    /// 9999-12-31T23:59:59Z.
    public static let max: Double = 253_402_300_799

    /// `t` if it is such a time, else an error naming `path` and the rule.
    @discardableResult
    public static func check(_ t: Double, path: String) throws(InputError) -> Double {
        guard t.isFinite, t >= 0, t <= max else {
            throw InputError.invalid(path, "must be a Unix time in seconds from 0 to \(Int64(max)) (the end of 9999) (got \(describe(t)))")
        }
        return t
    }

    /// 1e+300 as written, 1732460000 without ".0".
    static func describe(_ t: Double) -> String {
        t.isFinite && t == t.rounded() && abs(t) < 1e15 ? String(Int64(t)) : String(t)
    }
}
