/// RFC 4648 §4 base64 (standard alphabet) without padding: how dag-json writes bytes.
///
/// Decoding is strict so that each byte string has one text form: padding, characters outside
/// the alphabet, a length that leaves a lone sixth of a byte (`len % 4 == 1`) and non-zero
/// unused bits in the last character are all rejected.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let decodeTable: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    /// Appends the unpadded base64 text of `bytes` to `out`.
    static func encode(_ bytes: [UInt8], into out: inout [UInt8]) {
        out.reserveCapacity(out.count + (bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            i += 3
        }
        switch bytes.count - i {
        case 1:
            let n = UInt32(bytes[i]) << 16
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
        case 2:
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
        default:
            break
        }
    }

    /// The unpadded base64 text of `bytes`.
    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        encode(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes unpadded base64 text, or returns a reason it is not canonical base64.
    static func decode(_ text: some Collection<UInt8>) -> Result<[UInt8], DecodeFailure> {
        let count = text.count
        if count % 4 == 1 { return .failure(.length) }
        var out: [UInt8] = []
        out.reserveCapacity(count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for c in text {
            let value = decodeTable[Int(c)]
            guard value >= 0 else {
                return .failure(c == UInt8(ascii: "=") ? .padding : .character(c))
            }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // Leftover bits (2 or 4) are padding inside the last character and must be zero.
        if bits > 0, buffer & ((1 << UInt32(bits)) - 1) != 0 { return .failure(.trailingBits) }
        return .success(out)
    }

    /// Why text is not canonical unpadded base64.
    enum DecodeFailure: Error, CustomStringConvertible {
        case length, padding, trailingBits
        case character(UInt8)

        var description: String {
            switch self {
            case .length: "invalid base64 length"
            case .padding: "base64 padding ('=') is not allowed"
            case .trailingBits: "base64 has non-zero unused bits in its last character"
            case .character(let c): "invalid base64 character 0x\(hexByte(c))"
            }
        }
    }
}
