import Foundation

/// The timestamps in steps: RFC 3339 in UTC with milliseconds, such as `2025-01-02T03:04:05.678Z`.
///
/// One fixed shape (always `Z`, always three fraction digits) keeps timestamps comparable as text
/// and readable by every tool that reads RFC 3339 or ISO 8601.
public enum ProvenanceTime {
    /// `date` as `YYYY-MM-DDTHH:MM:SS.mmmZ`, truncated to the millisecond.
    public static func string(from date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
        let fraction = Int(milliseconds - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                      Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), fraction)
    }

    /// The current time in step form.
    public static func now() -> String { string(from: Date()) }
}
