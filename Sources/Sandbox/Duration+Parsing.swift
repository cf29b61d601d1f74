/// Durations written the way people write them in spec files and on the command line.
///
/// A duration is one or more `<number><unit>` parts, added up: `30s`, `10m`, `1h30m`, `1.5s`,
/// `250ms`. Units are `ms`, `s`, `m`, `h` and `d`. A bare number is refused, because `30` could mean
/// seconds or minutes; say which.
///
/// ```swift
/// let timeout = try Duration(parsing: "10m")     // .seconds(600)
/// print(timeout.compactDescription)               // "10m"
/// ```
///
/// The pipeline spec loader uses this for `resources.timeout`, and the CLI for `--timeout`.
extension Duration {
    private static let units: [(name: String, milliseconds: Double)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// Parses text such as `30s`, `10m`, `1h30m` or `250ms`.
    ///
    /// - Throws: ``SandboxError`` with code `invalidDuration` naming the text and what was expected.
    public init(parsing text: String) throws {
        let compact = text.filter { !$0.isWhitespace }
        guard !compact.isEmpty else {
            throw SandboxError(.invalidDuration, "an empty duration (expected e.g. 30s, 10m, 1h30m)")
        }
        var milliseconds = 0.0
        var rest = Substring(compact)
        while !rest.isEmpty {
            let numberEnd = rest.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? rest.endIndex
            let number = rest[..<numberEnd]
            rest = rest[numberEnd...]
            let unitEnd = rest.firstIndex { $0.isASCII && ($0.isNumber || $0 == ".") } ?? rest.endIndex
            let unit = rest[..<unitEnd].lowercased()
            rest = rest[unitEnd...]
            guard let value = Double(number), !number.hasPrefix("."), value.isFinite else {
                throw SandboxError(.invalidDuration, "'\(text)' is not a duration (expected e.g. 30s, 10m, 1h30m)")
            }
            guard !unit.isEmpty else {
                throw SandboxError(.invalidDuration, "'\(text)' needs a unit (ms, s, m, h or d)")
            }
            guard let factor = Self.units.first(where: { $0.name == unit })?.milliseconds else {
                throw SandboxError(.invalidDuration, "'\(text)': unknown unit '\(unit)' (use ms, s, m, h or d)")
            }
            milliseconds += value * factor
        }
        guard milliseconds < 1e15 else { throw SandboxError(.invalidDuration, "'\(text)' is too long") }
        self = .milliseconds(Int64(milliseconds.rounded()))
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

    /// A short exact form that ``init(parsing:)`` reads back: `10m`, `1h30m`, `1500ms`.
    public var compactDescription: String {
        var millis = wholeMilliseconds
        guard millis > 0 else { return "0s" }
        var parts: [String] = []
        for (name, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where millis >= size {
            parts.append("\(millis / size)\(name)")
            millis %= size
        }
        if millis > 0 { parts.append("\(millis)ms") }
        return parts.joined()
    }
}
