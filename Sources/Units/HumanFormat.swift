/// Short human renderings of byte counts, durations and CPU amounts.
///
/// Used wherever figures are shown to people (placement reasons, progress meters, command
/// output), so they are compact and binary-prefixed everywhere:
/// `4.1 GiB`, `512 MiB`, `12s`, `10m`, `1h30m`, `0.5`.
public enum HumanFormat {
    private static let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]

    /// A byte count with a binary prefix: `0 B`, `1023 B`, `1.0 KiB`, `4.1 GiB`, `512 MiB`.
    ///
    /// Below 100 of a unit one decimal is shown, from 100 up a whole number; a value that rounds
    /// up to 1024 of a unit is shown in the next unit instead.
    public static func bytes(_ count: UInt64) -> String {
        if count < 1024 { return "\(count) B" }
        var value = Double(count) / 1024
        var unit = 0
        while unit < units.count - 1, value.rounded() >= 1024 {
            value /= 1024
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        if tenths < 1000 { return "\(tenths / 10).\(tenths % 10) \(units[unit])" }
        return "\(Int(value.rounded())) \(units[unit])"
    }

    /// A length of time, rounded down: `250ms`, `12s`, `10m`, `2m30s`, `1h`, `1h30m`.
    ///
    /// Negative lengths (a task that became ready after `now`) are shown as `0s`.
    public static func duration(seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else { return "0s" }
        if seconds < 1 {
            let millis = Int(seconds * 1000)
            return millis == 0 ? "0s" : "\(millis)ms"
        }
        let whole = seconds >= Double(Int.max) ? Int.max : Int(seconds)
        let hours = whole / 3600, minutes = (whole % 3600) / 60, secs = whole % 60
        if hours > 0 { return minutes == 0 ? "\(hours)h" : "\(hours)h\(minutes)m" }
        if minutes > 0 { return secs == 0 ? "\(minutes)m" : "\(minutes)m\(secs)s" }
        return "\(secs)s"
    }

    /// A length of time given as a `Duration`; see ``duration(seconds:)``.
    public static func duration(_ duration: Duration) -> String {
        self.duration(seconds: duration.secondsValue)
    }

    /// Cores from thousandths of a core, without trailing zeros: `2`, `0.5`, `1.25`.
    public static func cpu(milliCPU: Int) -> String {
        let sign = milliCPU < 0 ? "-" : ""
        let magnitude = milliCPU.magnitude
        let cores = magnitude / 1000, fraction = magnitude % 1000
        if fraction == 0 { return "\(sign)\(cores)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(sign)\(cores).\(digits)"
    }
}
