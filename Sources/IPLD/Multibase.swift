/// The multibase encodings Shoal reads and writes.
///
/// A multibase string is one prefix character naming the encoding followed by the encoded bytes
/// (github.com/multiformats/multibase). CIDv1 is printed in ``base32`` (`b…`), CIDv0 in bare
/// ``base58btc`` (`Qm…`, no prefix). Upper-case base32 (`B…`) and prefixed base58btc (`z…`) are
/// accepted on input.
public enum Multibase: Sendable {
    /// RFC 4648 base32, lower case, no padding; prefix `b`.
    case base32
    /// RFC 4648 base32, upper case, no padding; prefix `B`.
    case base32Upper
    /// Bitcoin base58; prefix `z`.
    case base58btc

    /// The prefix character of this encoding.
    public var prefix: Character {
        switch self {
        case .base32: "b"
        case .base32Upper: "B"
        case .base58btc: "z"
        }
    }

    /// Encodes `bytes` with this encoding, prefix included.
    public func encode(_ bytes: some Collection<UInt8>) -> String {
        String(prefix) + encodeWithoutPrefix(bytes)
    }

    /// Encodes `bytes` with this encoding, without the prefix.
    public func encodeWithoutPrefix(_ bytes: some Collection<UInt8>) -> String {
        switch self {
        case .base32: Base32.encode(bytes, upper: false)
        case .base32Upper: Base32.encode(bytes, upper: true)
        case .base58btc: Base58.encode(bytes)
        }
    }

    /// Decodes a prefixed multibase string.
    ///
    /// - Throws: ``IPLDError/Code/invalidMultibase`` for an unknown prefix or a bad character.
    public static func decode(_ text: some StringProtocol) throws -> [UInt8] {
        guard let first = text.first else {
            throw IPLDError(.invalidMultibase, "empty string")
        }
        let body = text.dropFirst()
        switch first {
        case "b": return try Base32.decode(body, upper: false)
        case "B": return try Base32.decode(body, upper: true)
        case "z": return try Base58.decode(body)
        default:
            throw IPLDError(.invalidMultibase, "unsupported multibase prefix '\(first)'")
        }
    }
}

/// RFC 4648 base32 without padding.
enum Base32 {
    private static let lower = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
    private static let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    static func encode(_ bytes: some Collection<UInt8>, upper useUpper: Bool) -> String {
        let alphabet = useUpper ? upper : lower
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
            }
        }
        if bits > 0 {
            out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: some StringProtocol, upper useUpper: Bool) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            let value: UInt32
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z") where !useUpper: value = UInt32(c - UInt8(ascii: "a"))
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where useUpper: value = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "2")...UInt8(ascii: "7"): value = UInt32(c - UInt8(ascii: "2")) + 26
            default:
                throw IPLDError(.invalidMultibase, "invalid base32 character '\(Character(Unicode.Scalar(c)))'")
            }
            buffer = (buffer << 5) | value
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // Leftover bits are padding and must be zero, and there can be at most 4 of them.
        if bits >= 5 || buffer & ((1 << UInt32(bits)) - 1) != 0 {
            throw IPLDError(.invalidMultibase, "invalid base32 length or trailing bits")
        }
        return out
    }
}

/// Bitcoin base58 (the alphabet without 0, O, I and l).
enum Base58 {
    private static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let decodeTable: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        let zeros = input.prefix(while: { $0 == 0 }).count
        // log(256)/log(58) ≈ 1.37: enough digits for the big-number conversion.
        var digits = [UInt8](repeating: 0, count: (input.count - zeros) * 138 / 100 + 1)
        var length = 0
        for byte in input[zeros...] {
            var carry = Int(byte)
            var i = 0
            var j = digits.count - 1
            while (carry != 0 || i < length) && j >= 0 {
                carry += 256 * Int(digits[j])
                digits[j] = UInt8(carry % 58)
                carry /= 58
                i += 1
                j -= 1
            }
            length = i
        }
        var out = [UInt8](repeating: alphabet[0], count: zeros)
        out.reserveCapacity(zeros + length)
        for d in digits[(digits.count - length)...] { out.append(alphabet[Int(d)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: some StringProtocol) throws -> [UInt8] {
        let chars = Array(text.utf8)
        let zeros = chars.prefix(while: { $0 == alphabet[0] }).count
        var bytes = [UInt8](repeating: 0, count: (chars.count - zeros) * 733 / 1000 + 1)
        var length = 0
        for c in chars[zeros...] {
            guard c < 128, decodeTable[Int(c)] >= 0 else {
                throw IPLDError(.invalidMultibase, "invalid base58 character '\(Character(Unicode.Scalar(c)))'")
            }
            var carry = Int(decodeTable[Int(c)])
            var i = 0
            var j = bytes.count - 1
            while (carry != 0 || i < length) && j >= 0 {
                carry += 58 * Int(bytes[j])
                bytes[j] = UInt8(carry & 0xff)
                carry >>= 8
                i += 1
                j -= 1
            }
            length = i
        }
        return [UInt8](repeating: 0, count: zeros) + bytes[(bytes.count - length)...]
    }
}
