/// An amount of memory or disk, written in a spec or on the command line as `512MiB`, `2GiB`,
/// `100MB` or a plain number of bytes.
///
/// Units are case-sensitive and mean one thing each: `B`; `kB` (or `KB`), `MB`, `GB`, `TB`, `PB` are
/// powers of 1000; `KiB`, `MiB`, `GiB`, `TiB`, `PiB` are powers of 1024. Ambiguous shorthands such as
/// `512M` or `1g` are rejected rather than guessed. A decimal fraction is allowed when it comes to a
/// whole number of bytes (`1.5GiB`, not `0.3KiB`).
///
/// The ``description`` is the canonical spelling used by `shoal validate --normalize`: the largest
/// binary unit that divides the size exactly, else the largest decimal one, else bytes.
///
/// ```swift
/// try ByteSize(parsing: "512MiB").bytes   // 536_870_912
/// ByteSize(bytes: 2_000_000).description  // "2MB"
/// ```
///
/// Spec files (`resources.memory`), sandbox limits and `--memory`-style flags all use this one type,
/// so a size means the same thing everywhere.
public struct ByteSize: Sendable, Hashable, Comparable, CustomStringConvertible, LosslessStringConvertible, Codable {
    /// The size in bytes; never negative.
    public let bytes: Int64

    public init(bytes: Int64) {
        precondition(bytes >= 0, "a byte size cannot be negative")
        self.bytes = bytes
    }

    public static func kibibytes(_ n: Int64) -> ByteSize { ByteSize(bytes: n << 10) }
    public static func mebibytes(_ n: Int64) -> ByteSize { ByteSize(bytes: n << 20) }
    public static func gibibytes(_ n: Int64) -> ByteSize { ByteSize(bytes: n << 30) }

    public init?(_ description: String) {
        guard let size = try? ByteSize(parsing: description) else { return nil }
        self = size
    }

    /// Decodes from a string (`"256MiB"`) or a plain non-negative number of bytes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            guard number >= 0 else { throw UnitsError(.invalidByteSize, "\(number) is negative") }
            self.init(bytes: number)
        } else {
            self = try ByteSize(parsing: container.decode(String.self))
        }
    }

    /// Encodes as the canonical string form (``description``).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Units and their multipliers, longest spelling first so `MiB` is tried before `B`.
    static let units: [(name: String, factor: Int64)] = [
        ("PiB", 1 << 50), ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
        ("PB", 1_000_000_000_000_000), ("TB", 1_000_000_000_000), ("GB", 1_000_000_000),
        ("MB", 1_000_000), ("kB", 1_000), ("KB", 1_000), ("B", 1),
    ]

    static let expected = "expected a size such as 512MiB, 2GiB or 100MB "
        + "(units B, kB, MB, GB, TB, PB are powers of 1000; KiB, MiB, GiB, TiB, PiB powers of 1024)"

    /// Parses a size such as `512MiB`, `1.5GiB`, `100MB` or `4096` (bytes).
    ///
    /// - Throws: ``UnitsError/Code/invalidByteSize`` naming the text and the accepted units.
    public init(parsing text: String) throws(UnitsError) {
        let digits = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let unitText = String(text.dropFirst(digits.count))
        guard !digits.isEmpty else {
            throw UnitsError(.invalidByteSize, "'\(text)' is not a size: \(Self.expected)")
        }
        let factor: Int64
        if unitText.isEmpty {
            factor = 1
        } else if let unit = Self.units.first(where: { $0.name == unitText }) {
            factor = unit.factor
        } else {
            throw UnitsError(.invalidByteSize, "unknown unit '\(unitText)' in '\(text)': \(Self.expected)")
        }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty, parts.count == 1 || !parts[1].isEmpty else {
            throw UnitsError(.invalidByteSize, "'\(text)' is not a size: \(Self.expected)")
        }
        // Exact decimal arithmetic: value = (whole * 10^f + fraction) * factor / 10^f.
        let fractionDigits = parts.count == 2 ? String(parts[1]) : ""
        guard fractionDigits.count <= 18, let whole = Int64(parts[0]), let fraction = Int64(fractionDigits.isEmpty ? "0" : fractionDigits) else {
            throw UnitsError(.invalidByteSize, "'\(text)' is too large")
        }
        var scale: Int64 = 1
        for _ in 0..<fractionDigits.count { scale *= 10 }
        let (scaledWhole, o1) = whole.multipliedReportingOverflow(by: scale)
        let (numerator, o2) = scaledWhole.addingReportingOverflow(fraction)
        let (product, o3) = numerator.multipliedReportingOverflow(by: factor)
        guard !o1, !o2, !o3 else { throw UnitsError(.invalidByteSize, "'\(text)' is too large") }
        guard product % scale == 0 else {
            throw UnitsError(.invalidByteSize, "'\(text)' is not a whole number of bytes")
        }
        self.bytes = product / scale
    }

    /// The canonical spelling: `512MiB`, `100MB`, `1234B`.
    public var description: String {
        if bytes == 0 { return "0B" }
        for unit in Self.units where unit.factor > 1 && unit.name != "KB" && bytes % unit.factor == 0 {
            return "\(bytes / unit.factor)\(unit.name)"
        }
        return "\(bytes)B"
    }

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }
}
