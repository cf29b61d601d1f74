import IPLD

/// The header of a CAR v1 file: `{"roots": [CID, …], "version": 1}` in dag-cbor.
///
/// The header is encoded and decoded by the tiny dag-cbor subset below rather than a full codec.
/// TODO: switch to IPLD's `DagCBOR` encoder/decoder once it is merged (it is being written on
/// another branch); this subset then becomes a thin mapping from the decoded value.
///
/// Encoding is canonical dag-cbor: map keys sorted length-first (`roots` before `version`),
/// shortest-form lengths, links as tag 42 over the CID's bytes with a `0x00` prefix. Decoding
/// accepts any well-formed definite-length CBOR map with those two keys (extra keys are ignored,
/// as go-car does), bounded in depth and by the header's size.
public struct CARHeader: Sendable, Hashable {
    public var roots: [CID]
    public var version: UInt64

    public init(roots: [CID], version: UInt64 = 1) {
        self.roots = roots
        self.version = version
    }

    /// The dag-cbor bytes of the header (without the length prefix).
    public func encoded() -> [UInt8] {
        var out: [UInt8] = [0xA2]  // map(2)
        MiniCBOR.appendText("roots", to: &out)
        MiniCBOR.appendHead(major: 4, roots.count, to: &out)
        for root in roots {
            out.append(contentsOf: [0xD8, 42])  // tag(42): a link
            let bytes = root.bytes
            MiniCBOR.appendHead(major: 2, bytes.count + 1, to: &out)
            out.append(0x00)  // the multibase "identity" prefix dag-cbor requires
            out.append(contentsOf: bytes)
        }
        MiniCBOR.appendText("version", to: &out)
        MiniCBOR.appendHead(major: 0, Int(version), to: &out)
        return out
    }

    /// Decodes a header block.
    ///
    /// - Throws: ``BlockStoreError/Code/badCAR`` when it is not a CBOR map with an unsigned
    ///   `version` and a `roots` array of links; a CARv2 pragma is named as such.
    public init(decoding bytes: [UInt8]) throws {
        var reader = MiniCBOR.Reader(bytes: bytes)
        let value: MiniCBOR.Value
        do {
            value = try reader.readValue(depth: 0)
            guard reader.offset == bytes.count else { throw MiniCBOR.Failure("\(bytes.count - reader.offset) bytes after the header") }
        } catch let failure as MiniCBOR.Failure {
            throw BlockStoreError(.badCAR, "header is not valid dag-cbor: \(failure.message)")
        }
        guard case .map(let entries) = value else { throw BlockStoreError(.badCAR, "header is not a map") }
        guard case .unsigned(let version)? = entries["version"] else {
            throw BlockStoreError(.badCAR, "header has no unsigned 'version'")
        }
        guard version == 1 else {
            if version == 2 { throw BlockStoreError(.badCAR, "this is a CARv2 file; only CARv1 is supported") }
            throw BlockStoreError(.badCAR, "unsupported CAR version \(version)")
        }
        var roots: [CID] = []
        switch entries["roots"] {
        case nil, .null?:
            break  // the spec allows a CAR without roots
        case .array(let items)?:
            for (index, item) in items.enumerated() {
                guard case .tag(42, .bytes(let link)) = item, link.first == 0x00 else {
                    throw BlockStoreError(.badCAR, "header root \(index) is not a link")
                }
                do {
                    roots.append(try CID(bytes: link.dropFirst()))
                } catch let error as IPLDError {
                    throw BlockStoreError(.badCAR, "header root \(index) is not a valid CID: \(error.message)")
                }
            }
        default:
            throw BlockStoreError(.badCAR, "header 'roots' is not an array")
        }
        self.init(roots: roots, version: version)
    }
}

/// Just enough CBOR for the CAR header. Private to BlockStore; see ``CARHeader``.
enum MiniCBOR {
    struct Failure: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    indirect enum Value: Equatable {
        case unsigned(UInt64), negative(UInt64), bytes([UInt8]), text(String)
        case array([Value]), map([String: Value]), tag(UInt64, Value), bool(Bool), null, float
    }

    static let maxDepth = 16

    static func appendHead(major: UInt8, _ value: Int, to out: inout [UInt8]) {
        let v = UInt64(value)
        let m = major << 5
        switch v {
        case 0..<24: out.append(m | UInt8(v))
        case 24..<0x100: out.append(contentsOf: [m | 24, UInt8(v)])
        case 0x100..<0x1_0000: out.append(m | 25); appendBigEndian(v, bytes: 2, to: &out)
        case 0x1_0000..<0x1_0000_0000: out.append(m | 26); appendBigEndian(v, bytes: 4, to: &out)
        default: out.append(m | 27); appendBigEndian(v, bytes: 8, to: &out)
        }
    }

    private static func appendBigEndian(_ v: UInt64, bytes: Int, to out: inout [UInt8]) {
        for i in stride(from: bytes - 1, through: 0, by: -1) { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    static func appendText(_ text: String, to out: inout [UInt8]) {
        let utf8 = Array(text.utf8)
        appendHead(major: 3, utf8.count, to: &out)
        out.append(contentsOf: utf8)
    }

    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw Failure("truncated at byte \(offset)") }
            defer { offset += 1 }
            return bytes[offset]
        }

        /// Reads a head: major type and argument. Indefinite lengths (31) are refused.
        mutating func head() throws -> (major: UInt8, argument: UInt64, info: UInt8) {
            let initial = try byte()
            let major = initial >> 5
            let info = initial & 0x1F
            switch info {
            case 0..<24: return (major, UInt64(info), info)
            case 24...27:
                var value: UInt64 = 0
                for _ in 0..<(1 << (info - 24)) { value = value << 8 | UInt64(try byte()) }
                return (major, value, info)
            default:
                throw Failure("unsupported additional info \(info) at byte \(offset - 1)")
            }
        }

        /// A length that must fit in what is left of the input (each item takes at least one byte).
        mutating func length(_ argument: UInt64) throws -> Int {
            guard argument <= UInt64(bytes.count - offset) else { throw Failure("length \(argument) exceeds the header") }
            return Int(argument)
        }

        mutating func readValue(depth: Int) throws -> Value {
            guard depth <= MiniCBOR.maxDepth else { throw Failure("nested deeper than \(MiniCBOR.maxDepth)") }
            let (major, argument, info) = try head()
            switch major {
            case 0: return .unsigned(argument)
            case 1: return .negative(argument)
            case 2, 3:
                let count = try length(argument)
                let slice = Array(bytes[offset..<(offset + count)])
                offset += count
                if major == 2 { return .bytes(slice) }
                guard let text = String(validating: slice, as: UTF8.self) else { throw Failure("invalid UTF-8 text") }
                return .text(text)
            case 4:
                let count = try length(argument)
                var items: [Value] = []
                for _ in 0..<count { items.append(try readValue(depth: depth + 1)) }
                return .array(items)
            case 5:
                let count = try length(argument)
                var entries: [String: Value] = [:]
                for _ in 0..<count {
                    guard case .text(let key) = try readValue(depth: depth + 1) else { throw Failure("map key is not text") }
                    guard entries.updateValue(try readValue(depth: depth + 1), forKey: key) == nil else {
                        throw Failure("duplicate map key '\(key)'")
                    }
                }
                return .map(entries)
            case 6: return .tag(argument, try readValue(depth: depth + 1))
            default:
                switch info {
                case 20: return .bool(false)
                case 21: return .bool(true)
                case 22: return .null
                case 25, 26, 27: return .float
                default: throw Failure("unsupported simple value \(info)")
                }
            }
        }
    }
}
