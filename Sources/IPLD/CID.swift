#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A content identifier: which codec a block is in, and the multihash of its bytes.
///
/// CIDv0 is the legacy form: always dag-pb and sha2-256, written as bare base58btc (`Qm…`), and
/// its binary form is just the multihash. CIDv1 is `varint(1) varint(codec) multihash`, written
/// in base32 lower case (`bafy…`) by default (github.com/multiformats/cid).
///
/// ```swift
/// let cid = try CID("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")
/// cid.codec     // .raw
/// cid.version   // .v1
/// ```
public struct CID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Version: UInt64, Sendable, Hashable { case v0 = 0, v1 = 1 }

    public let version: Version
    public let codec: Multicodec
    public let multihash: Multihash

    /// Creates a CIDv1 for `codec` and `multihash`.
    public init(codec: Multicodec, multihash: Multihash) {
        self.version = .v1
        self.codec = codec
        self.multihash = multihash
    }

    /// Creates a CIDv0, which is only defined for dag-pb blocks hashed with sha2-256.
    public init(v0 multihash: Multihash) throws {
        guard multihash.code == .sha2_256, multihash.digest.count == 32 else {
            throw IPLDError(.invalidCID, "CIDv0 requires a 32-byte sha2-256 multihash")
        }
        self.version = .v0
        self.codec = .dagPB
        self.multihash = multihash
    }

    /// The CID of `bytes` in `codec`, hashed with sha2-256, in the given version.
    ///
    /// Version 0 is only possible for dag-pb; asking for it with another codec gives a CIDv1.
    public static func sha256(_ bytes: some ContiguousBytes, codec: Multicodec, version: Version = .v1) -> CID {
        let hash = Multihash.sha256(bytes)
        if version == .v0, codec == .dagPB { return CID(unchecked: .v0, codec: .dagPB, multihash: hash) }
        return CID(codec: codec, multihash: hash)
    }

    init(unchecked version: Version, codec: Multicodec, multihash: Multihash) {
        self.version = version
        self.codec = codec
        self.multihash = multihash
    }

    // MARK: Binary form

    /// The binary form of the CID (what dag-pb links and dag-cbor tag 42 carry).
    public var bytes: [UInt8] {
        switch version {
        case .v0:
            return multihash.bytes
        case .v1:
            var out: [UInt8] = [0x01]
            Varint.append(codec.rawValue, to: &out)
            out.append(contentsOf: multihash.bytes)
            return out
        }
    }

    /// Parses a CID from its binary form.
    ///
    /// - Throws: ``IPLDError/Code/invalidCID`` when the bytes are not exactly one CID.
    public init(bytes: some Collection<UInt8>) throws {
        let array = Array(bytes)
        var offset = 0
        self = try CID.decode(array, at: &offset)
        guard offset == array.count else {
            throw IPLDError(.invalidCID, "\(array.count - offset) trailing bytes after CID")
        }
    }

    /// Parses a CID at `offset` within a larger buffer and advances `offset` past it.
    public static func decode(_ bytes: [UInt8], at offset: inout Int) throws -> CID {
        // A CIDv0 is a bare sha2-256 multihash: it starts with 0x12 0x20.
        if bytes.count - offset >= 34, bytes[offset] == 0x12, bytes[offset + 1] == 0x20 {
            let hash = try Multihash.decode(bytes, at: &offset)
            return CID(unchecked: .v0, codec: .dagPB, multihash: hash)
        }
        let version = try Varint.decode(bytes, at: &offset)
        guard version == 1 else {
            throw IPLDError(.invalidCID, "unsupported CID version \(version)")
        }
        let codec = Multicodec(rawValue: try Varint.decode(bytes, at: &offset))
        let hash = try Multihash.decode(bytes, at: &offset)
        return CID(codec: codec, multihash: hash)
    }

    // MARK: Text form

    /// Parses a CID from text: `Qm…` (CIDv0), or a multibase CIDv1 in base32 (`b…`, `B…`) or
    /// base58btc (`z…`).
    ///
    /// - Throws: ``IPLDError/Code/invalidCID`` with a message that quotes the input.
    public init(_ text: some StringProtocol) throws {
        let string = String(text)
        do {
            if string.count == 46, string.hasPrefix("Qm") {
                let hash = try Multihash(bytes: try Base58.decode(string))
                self = try CID(v0: hash)
                return
            }
            let bytes = try Multibase.decode(string)
            self = try CID(bytes: bytes)
            if version == .v0 {
                throw IPLDError(.invalidCID, "a CIDv0 must be written in bare base58btc")
            }
        } catch let error as IPLDError {
            throw IPLDError(.invalidCID, "'\(string.prefix(80))' is not a valid CID (\(error.message))")
        }
    }

    /// The canonical text form: base58btc for v0, base32 lower case for v1.
    public var string: String {
        switch version {
        case .v0: Base58.encode(bytes)
        case .v1: Multibase.base32.encode(bytes)
        }
    }

    /// The text form in a chosen multibase (CIDv1 only; a CIDv0 always prints as `Qm…`).
    public func string(base: Multibase) -> String {
        version == .v0 ? string : base.encode(bytes)
    }

    public var description: String { string }

    // MARK: Conversions

    /// This CID as version 1 (same codec and multihash).
    public var v1: CID { CID(codec: codec, multihash: multihash) }

    /// This CID as version 0, when it is dag-pb with a sha2-256 multihash.
    public var v0: CID? { codec == .dagPB ? try? CID(v0: multihash) : nil }

    /// Hashes the digest bytes in one call: CIDs key many dictionaries (block indexes,
    /// scheduler holder maps), and the synthesized per-element hashing was a measurable cost.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(version)
        hasher.combine(codec)
        hasher.combine(multihash.code)
        multihash.digest.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    public static func == (lhs: CID, rhs: CID) -> Bool {
        lhs.version == rhs.version && lhs.codec == rhs.codec && lhs.multihash == rhs.multihash
    }

    /// Orders CIDs by their binary form, which is the order dag-cbor and CAR tooling use.
    public static func < (lhs: CID, rhs: CID) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    /// Whether `bytes` are the block this CID names (its multihash matches).
    public func verifies(_ bytes: some ContiguousBytes) -> Bool {
        multihash.matches(bytes)
    }
}

extension CID: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = try CID(try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }
}
