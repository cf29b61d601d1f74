/// An IPLD integer: any whole number from -2^64 to 2^64 - 1.
///
/// That is exactly the range dag-cbor can write (CBOR major type 0 holds 0…2^64-1, major type 1
/// holds -1…-2^64), so every integer in a dag-cbor block round-trips, including the ones that fit
/// neither `Int64` nor `UInt64`. The value is stored the way CBOR stores it: a sign and a 64-bit
/// argument, where a negative value `n` has the argument `-1 - n`. Each number therefore has one
/// representation, and synthesized `Hashable` is value equality.
///
/// ```swift
/// let big: IPLDInteger = IPLDInteger(UInt64.max)   // 18446744073709551615
/// IPLDInteger.min.description                      // "-18446744073709551616"
/// IPLDInteger(42).as(Int.self)                     // 42
/// IPLDInteger(-1).as(UInt8.self)                   // nil: does not fit
/// ```
public struct IPLDInteger: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// Whether the value is below zero.
    public let isNegative: Bool
    /// The CBOR argument: the value itself when non-negative, `-1 - value` when negative.
    public let cborArgument: UInt64

    /// Creates the integer CBOR writes as major type 0 (`isNegative == false`) or 1 with `argument`.
    public init(isNegative: Bool, cborArgument: UInt64) {
        self.isNegative = isNegative
        self.cborArgument = cborArgument
    }

    /// The smallest IPLD integer, -2^64.
    public static let min = IPLDInteger(isNegative: true, cborArgument: .max)
    /// The largest IPLD integer, 2^64 - 1.
    public static let max = IPLDInteger(isNegative: false, cborArgument: .max)

    public init(_ value: Int) { self.init(exactly: value)! }
    public init(_ value: Int64) { self.init(exactly: value)! }
    public init(_ value: UInt64) { self.init(isNegative: false, cborArgument: value) }
    public init(integerLiteral value: Int) { self.init(value) }

    /// Creates the integer equal to `value`, or `nil` if it lies outside -2^64…2^64-1.
    public init?<T: BinaryInteger>(exactly value: T) {
        if value >= 0 {
            guard let argument = UInt64(exactly: value) else { return nil }
            self.init(isNegative: false, cborArgument: argument)
        } else {
            // For a negative value, `~value` is `-1 - value`, which is non-negative.
            guard let argument = UInt64(exactly: ~value) else { return nil }
            self.init(isNegative: true, cborArgument: argument)
        }
    }

    /// This integer as `T`, or `nil` when `T` cannot hold it.
    public func `as`<T: FixedWidthInteger>(_ type: T.Type) -> T? {
        guard let argument = T(exactly: cborArgument) else { return nil }
        if !isNegative { return argument }
        // -1 - argument; `T` must be signed, and then `~argument` cannot overflow.
        return T.isSigned ? ~argument : nil
    }

    /// This integer as `Int`, if it fits.
    public var int: Int? { self.as(Int.self) }

    /// This integer as a `Double`, if a `Double` holds it exactly (always within ±2^53).
    public var exactDouble: Double? {
        // The magnitude is the argument, or argument + 1 for negatives (2^64 for .min).
        if isNegative && cborArgument == .max { return -18_446_744_073_709_551_616.0 }
        let magnitude = isNegative ? cborArgument + 1 : cborArgument
        let double = Double(magnitude)
        guard UInt64(exactly: double) == magnitude else { return nil }
        return isNegative ? -double : double
    }

    // MARK: Decimal text

    /// Parses a decimal integer: an optional `-` and one or more digits, nothing else.
    ///
    /// Returns `nil` for any other text and for values outside -2^64…2^64-1. Leading zeros are
    /// accepted here; the dag-json parser rejects them before it gets this far.
    public init?(_ text: some StringProtocol) {
        var digits = Substring(text).utf8[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var magnitude: UInt64 = 0
        var overflowed = false
        for c in digits {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            guard !overflowed else { continue }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(c - UInt8(ascii: "0")))
            if o1 || o2 { overflowed = true } else { magnitude = sum }
        }
        if overflowed {
            // Only -2^64 has a magnitude past UInt64; it is the one extra negative value.
            guard negative, digits.drop(while: { $0 == UInt8(ascii: "0") }).elementsEqual("18446744073709551616".utf8)
            else { return nil }
            self = .min
        } else if negative && magnitude > 0 {
            self.init(isNegative: true, cborArgument: magnitude - 1)
        } else {
            self.init(isNegative: false, cborArgument: magnitude)
        }
    }

    /// The decimal form, e.g. `-18446744073709551616`.
    public var description: String {
        guard isNegative else { return String(cborArgument) }
        // -(argument + 1); argument + 1 overflows only for .min.
        if cborArgument == .max { return "-18446744073709551616" }
        return "-" + String(cborArgument + 1)
    }

    public static func < (lhs: IPLDInteger, rhs: IPLDInteger) -> Bool {
        switch (lhs.isNegative, rhs.isNegative) {
        case (true, false): return true
        case (false, true): return false
        case (false, false): return lhs.cborArgument < rhs.cborArgument
        case (true, true): return lhs.cborArgument > rhs.cborArgument
        }
    }
}
