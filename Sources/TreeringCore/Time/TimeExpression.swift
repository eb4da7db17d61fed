/// A time in a query: Unix seconds (`1732460000`, `1732460000.5`), `now`, or
/// `now` minus or plus a duration (`now-1h`, `now-15m`, `now-7d`). The time
/// must fall within `UnixTime`'s range, whichever way it was written.
public enum TimeExpression {
    public static func parse(_ text: String, now: Double, path: String) throws(InputError) -> Double {
        if let seconds = Double(text) { return try UnixTime.check(seconds, path: path) }
        guard text.hasPrefix("now") else {
            throw InputError.invalid(path, "must be Unix seconds or now, now-1h, now-15m ... (got \"\(text.prefix(40))\")")
        }
        let rest = text.dropFirst(3)
        if rest.isEmpty { return try UnixTime.check(now, path: path) }
        guard let sign = rest.first, sign == "-" || sign == "+",
            let seconds = DurationText.seconds(String(rest.dropFirst()))
        else {
            throw InputError.invalid(path, "must be Unix seconds or now, now-1h, now-15m ... (got \"\(text.prefix(40))\")")
        }
        return try UnixTime.check(sign == "-" ? now - seconds : now + seconds, path: path)
    }
}
