/// Unsigned LEB128 varints as used by every multiformat.
///
/// The multiformats spec (github.com/multiformats/unsigned-varint) caps a varint at 9 bytes
/// (63 bits) and requires the minimal encoding: a trailing `0x00` continuation byte is rejected.
public enum Varint {
    /// The largest number of bytes a multiformats varint may use.
    public static let maxLength = 9

    /// The number of bytes `value` takes when encoded.
    @inlinable
    public static func encodedLength(_ value: UInt64) -> Int {
        var v = value
        var n = 1
        while v >= 0x80 { v >>= 7; n += 1 }
        return n
    }

    /// Appends the varint encoding of `value` to `bytes`.
    @inlinable
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Returns the varint encoding of `value`.
    public static func encode(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encodedLength(value))
        append(value, to: &out)
        return out
    }

    /// Decodes a varint starting at `offset` and advances `offset` past it.
    ///
    /// - Throws: ``IPLDError/Code/invalidVarint`` when the input ends early, the varint is longer
    ///   than ``maxLength`` bytes, or it is not minimally encoded.
    public static func decode<C: RandomAccessCollection>(_ bytes: C, at offset: inout C.Index) throws -> UInt64
    where C.Element == UInt8 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var count = 0
        while true {
            guard offset < bytes.endIndex else {
                throw IPLDError(.invalidVarint, "truncated varint")
            }
            let byte = bytes[offset]
            bytes.formIndex(after: &offset)
            count += 1
            if count > maxLength {
                throw IPLDError(.invalidVarint, "varint longer than \(maxLength) bytes")
            }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                if byte == 0 && count > 1 {
                    throw IPLDError(.invalidVarint, "varint is not minimally encoded")
                }
                return result
            }
            shift += 7
        }
    }
}
