/// Durations written `90s`, `15m`, `1h`, `30d`, `2w` (query times, `--retention`).
public enum DurationText {
    static let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]

    public static func seconds(_ text: String) -> Double? {
        guard let unit = text.last, let scale = units[unit], let n = Double(text.dropLast()), n.isFinite, n >= 0 else {
            return nil
        }
        return n * scale
    }
}
