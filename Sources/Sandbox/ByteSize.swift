import Foundation

/// An amount of bytes, written the way people write it in spec files and on the command line.
///
/// Parsing accepts a number (integer or decimal) followed by an optional unit. Binary units are
/// powers of 1024 (`KiB`, `MiB`, `GiB`, `TiB`); decimal units powers of 1000 (`kB`/`KB`, `MB`,
/// `GB`, `TB`); `B` or no unit means bytes. Units are case-insensitive and may be separated from
/// the number by spaces:
///
/// ```swift
/// let memory = try ByteSize(parsing: "256MiB")   // 268_435_456 bytes
/// let disk = try ByteSize(parsing: "2 GB")       // 2_000_000_000 bytes
/// print(memory)                                   // "256MiB"
/// ```
///
/// The pipeline spec loader uses this for `resources.memory` and `resources.disk`, and the CLI for
/// `--memory`. A size that is negative, not a whole number of bytes, or larger than `Int64.max` is
/// refused with ``SandboxError/Code-swift.struct/invalidSize``.
public struct ByteSize: Hashable, Comparable, Sendable, Codable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// The number of bytes.
    public let bytes: Int64

    /// A size of exactly `bytes` bytes (negative values are clamped to zero).
    public init(bytes: Int64) { self.bytes = max(0, bytes) }

    public static func kibibytes(_ n: Int64) -> ByteSize { ByteSize(bytes: n * 1024) }
    public static func mebibytes(_ n: Int64) -> ByteSize { ByteSize(bytes: n * 1024 * 1024) }
    public static func gibibytes(_ n: Int64) -> ByteSize { ByteSize(bytes: n * 1024 * 1024 * 1024) }

    private static let units: [(name: String, factor: Double)] = [
        ("", 1), ("b", 1),
        ("k", 1024), ("kib", 1024), ("m", 1_048_576), ("mib", 1_048_576),
        ("g", 1_073_741_824), ("gib", 1_073_741_824), ("t", 1_099_511_627_776), ("tib", 1_099_511_627_776),
        ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("tb", 1e12),
    ]

    /// Parses text such as `256MiB`, `1.5 GiB`, `512k` or `1048576`.
    ///
    /// Single-letter units (`k`, `m`, `g`, `t`) are binary, as in `ulimit` and Kubernetes' `Ki`.
    /// - Throws: ``SandboxError`` with code `invalidSize` naming the text and what was expected.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let numberEnd = trimmed.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? trimmed.endIndex
        let number = String(trimmed[..<numberEnd])
        let unit = trimmed[numberEnd...].trimmingCharacters(in: .whitespaces).lowercased()
        guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, number != ".",
            let value = Double(number)
        else {
            throw SandboxError(.invalidSize, "'\(text)' is not a size (expected e.g. 256MiB, 2GB, 4096)")
        }
        guard let factor = Self.units.first(where: { $0.name == unit })?.factor else {
            throw SandboxError(
                .invalidSize, "'\(text)': unknown unit '\(unit)' (use B, KiB, MiB, GiB, TiB, kB, MB, GB or TB)")
        }
        let total = value * factor
        guard total < 9.2e18 else { throw SandboxError(.invalidSize, "'\(text)' is too large") }
        guard total == total.rounded() else {
            throw SandboxError(.invalidSize, "'\(text)' is not a whole number of bytes")
        }
        self.bytes = Int64(total)
    }

    public init?(_ description: String) {
        guard let size = try? ByteSize(parsing: description) else { return nil }
        self = size
    }

    /// The shortest exact form: the unit that divides the size evenly with the smallest number
    /// (`256MiB`, `2GB`, `1500kB`, `1536B`).
    public var description: String {
        guard bytes > 0 else { return "0B" }
        let units: [(String, Int64)] = [
            ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
            ("TB", 1_000_000_000_000), ("GB", 1_000_000_000), ("MB", 1_000_000), ("kB", 1000),
        ]
        let exact = units.filter { bytes % $0.1 == 0 }.map { ($0.0, bytes / $0.1) }
        guard let best = exact.min(by: { $0.1 < $1.1 }) else { return "\(bytes)B" }
        return "\(best.1)\(best.0)"
    }

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }

    /// Decodes from a string (`"256MiB"`) or a plain number of bytes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            guard number >= 0 else { throw SandboxError(.invalidSize, "\(number) is negative") }
            self = ByteSize(bytes: number)
        } else {
            self = try ByteSize(parsing: container.decode(String.self))
        }
    }

    /// Encodes as the exact string form (``description``).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
