/// Reading and printing Swift `Duration`s the way people write them (`30s`, `10m`, `1h30m`).
///
/// The rules are ``DurationSpec``'s: whole numbers, units `d h m s ms` from the largest to the
/// smallest, a bare number refused.
///
/// ```swift
/// let timeout = try Duration(parsing: "10m")     // .seconds(600)
/// print(timeout.compactDescription)               // "10m"
/// ```
extension Duration {
    /// Parses text such as `30s`, `10m`, `1h30m` or `250ms`.
    ///
    /// - Throws: ``UnitsError`` with code `invalidDuration` naming the text and what was expected.
    public init(parsing text: String) throws(UnitsError) {
        self = try DurationSpec(parsing: text).duration
    }

    /// The duration in whole milliseconds, rounded up (a limit is never shortened).
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return attoseconds % 1_000_000_000_000_000 > 0 ? millis + 1 : millis
    }

    /// The duration in seconds as a floating-point number (for reports and JSON).
    public var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// A short exact form that ``init(parsing:)`` reads back: `10m`, `1h30m`, `1s500ms`.
    public var compactDescription: String {
        DurationSpec(milliseconds: max(0, wholeMilliseconds)).description
    }
}
