/// Durations written `90s`, `15m`, `1h`, `30d`, `2w` (query times, `--retention`).
public enum DurationText {
    static let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]

    public static func seconds(_ text: String) -> Double? {
        guard let unit = text.last, let scale = units[unit], let n = Double(text.dropLast()), n.isFinite, n >= 0 else {
            return nil
        }
        return n * scale
    }

    /// The largest unit that writes `seconds` as a whole number: 2592000 → "30d".
    public static func describe(_ seconds: Double) -> String {
        // Past 2^53 seconds a Double is no longer a whole count of anything (and Int64 would trap).
        for (unit, scale) in units.sorted(by: { $0.value > $1.value })
        where seconds >= scale && seconds / scale < 9e15 && seconds.truncatingRemainder(dividingBy: scale) == 0 {
            return "\(Int64(seconds / scale))\(unit)"
        }
        return "\(seconds)s"
    }
}
