/// RFC 4648 base64 without padding: the standard alphabet (§4) is how dag-json writes bytes;
/// the URL alphabet (§5, `-` and `_`) is what ``Base64URL`` offers for tokens.
///
/// Decoding is strict so that each byte string has one text form: padding, characters outside
/// the alphabet, a length that leaves a lone sixth of a byte (`len % 4 == 1`) and non-zero
/// unused bits in the last character are all rejected.
enum Base64 {
    /// Which 64 characters stand for the six-bit values.
    enum Alphabet {
        case standard, url

        fileprivate var characters: [UInt8] { self == .standard ? Base64.standard : Base64.url }
        fileprivate var decodeTable: [Int8] { self == .standard ? Base64.standardTable : Base64.urlTable }
    }

    private static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let url = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let standardTable = table(standard)
    private static let urlTable = table(url)

    private static func table(_ alphabet: [UInt8]) -> [Int8] {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }

    /// Appends the unpadded base64 text of `bytes` to `out`.
    static func encode(_ bytes: [UInt8], into out: inout [UInt8], alphabet: Alphabet = .standard) {
        let alphabet = alphabet.characters
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
    static func encode(_ bytes: [UInt8], alphabet: Alphabet = .standard) -> String {
        var out: [UInt8] = []
        encode(bytes, into: &out, alphabet: alphabet)
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes unpadded base64 text, or returns a reason it is not canonical base64.
    static func decode(_ text: some Collection<UInt8>, alphabet: Alphabet = .standard) -> Result<[UInt8], DecodeFailure> {
        let decodeTable = alphabet.decodeTable
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

/// RFC 4648 §5 base64url without padding, decoded strictly (one text per byte string): the form
/// of compact tokens such as the pool's peer tickets.
public enum Base64URL {
    /// The unpadded base64url text of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String { Base64.encode(bytes, alphabet: .url) }

    /// The bytes of `text`, or `nil` for padding, a character outside the alphabet, or text
    /// that is not the canonical encoding of its bytes.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        try? Base64.decode(text.utf8, alphabet: .url).get()
    }
}
