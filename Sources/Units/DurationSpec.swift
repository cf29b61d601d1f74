/// A length of time written in a spec or on the command line as `30s`, `10m`, `1h30m`, `500ms` or `2d`.
///
/// A duration is one or more `<whole number><unit>` parts with units `d`, `h`, `m`, `s` and `ms`,
/// each used at most once and from the largest to the smallest (`1h30m`, not `30m1h`), so every
/// written duration reads one way only. A bare number is rejected: `timeout: 30` could mean seconds
/// or minutes.
///
/// The ``description`` is the canonical spelling used by `shoal validate --normalize`
/// (`90m` prints as `1h30m`).
///
/// ```swift
/// try DurationSpec(parsing: "1h30m").milliseconds  // 5_400_000
/// ```
public struct DurationSpec: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in milliseconds; never negative.
    public let milliseconds: Int64

    public init(milliseconds: Int64) {
        precondition(milliseconds >= 0, "a duration cannot be negative")
        self.milliseconds = milliseconds
    }

    /// The same length as a Swift `Duration`, for clocks and timeouts.
    public var duration: Duration { .milliseconds(milliseconds) }

    /// Whole seconds, rounded up (what an `RLIMIT_CPU`-style limit needs).
    public var secondsRoundedUp: Int64 { (milliseconds + 999) / 1000 }

    /// Units from the largest to the smallest, the order parts must be written in.
    static let units: [(name: String, milliseconds: Int64)] = [
        ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    static let expected = "expected a duration such as 30s, 10m or 1h30m (units d, h, m, s, ms, largest first)"

    /// Parses a duration such as `1h30m`.
    ///
    /// - Throws: ``UnitsError/Code/invalidDuration`` naming the text and the accepted form.
    public init(parsing text: String) throws(UnitsError) {
        var rest = Substring(text)
        var total: Int64 = 0
        var lastUnitIndex = -1
        guard !rest.isEmpty else { throw UnitsError(.invalidDuration, "empty duration: \(Self.expected)") }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else {
                throw UnitsError(.invalidDuration, "'\(text)' is not a duration: \(Self.expected)")
            }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(letters.count)
            guard let unitIndex = Self.units.firstIndex(where: { $0.name == letters }) else {
                let problem = letters.isEmpty ? "a number without a unit" : "unknown unit '\(letters)'"
                throw UnitsError(.invalidDuration, "\(problem) in '\(text)': \(Self.expected)")
            }
            guard unitIndex > lastUnitIndex else {
                throw UnitsError(.invalidDuration, "'\(text)' repeats or misorders units: \(Self.expected)")
            }
            lastUnitIndex = unitIndex
            guard let count = Int64(digits) else { throw UnitsError(.invalidDuration, "'\(text)' is too long") }
            let (part, o1) = count.multipliedReportingOverflow(by: Self.units[unitIndex].milliseconds)
            let (sum, o2) = total.addingReportingOverflow(part)
            guard !o1, !o2 else { throw UnitsError(.invalidDuration, "'\(text)' is too long") }
            total = sum
        }
        self.milliseconds = total
    }

    /// The canonical spelling: `1h30m`, `45s`, `1s500ms`; zero is `0s`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds
        var text = ""
        for unit in Self.units where rest >= unit.milliseconds {
            text += "\(rest / unit.milliseconds)\(unit.name)"
            rest %= unit.milliseconds
        }
        return text
    }

    public static func < (lhs: DurationSpec, rhs: DurationSpec) -> Bool { lhs.milliseconds < rhs.milliseconds }
}
