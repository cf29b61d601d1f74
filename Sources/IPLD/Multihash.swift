import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A self-describing hash: the hash function's multicodec code, the digest length and the digest.
///
/// Shoal creates `sha2-256` multihashes for blocks and understands `identity` (the "digest" is the
/// data itself, used for tiny inlined blocks). Hashing goes through swift-crypto, which uses the
/// CPU's SHA extensions where present.
public struct Multihash: Hashable, Sendable {
    /// The hash function (``Multicodec/sha2_256`` or ``Multicodec/identity``).
    public let code: Multicodec
    /// The digest bytes.
    public let digest: [UInt8]

    /// The largest identity "digest" accepted, so an identity CID cannot smuggle in a large block.
    public static let maxIdentityLength = 128

    public init(code: Multicodec, digest: [UInt8]) {
        self.code = code
        self.digest = digest
    }

    /// The SHA-256 multihash of `bytes`, hashed in place without copying.
    @inlinable
    public static func sha256(_ bytes: some ContiguousBytes) -> Multihash {
        let digest = bytes.withUnsafeBytes { SHA256.hash(data: $0) }
        return Multihash(code: .sha2_256, digest: Array(digest))
    }

    /// The SHA-256 multihash of bytes given in several pieces (a header and a payload, say),
    /// so a caller never has to concatenate them just to hash them.
    public static func sha256(pieces: [UnsafeRawBufferPointer]) -> Multihash {
        var hasher = SHA256()
        for piece in pieces { hasher.update(bufferPointer: piece) }
        return Multihash(code: .sha2_256, digest: Array(hasher.finalize()))
    }

    /// An identity multihash: the bytes themselves.
    public static func identity(_ bytes: [UInt8]) -> Multihash {
        Multihash(code: .identity, digest: bytes)
    }

    /// Whether `bytes` hash to this multihash.
    ///
    /// Returns `false` for hash functions Shoal does not implement rather than trusting them.
    public func matches(_ bytes: some ContiguousBytes) -> Bool {
        switch code {
        case .sha2_256: return Multihash.sha256(bytes).digest == digest
        case .identity: return bytes.withUnsafeBytes { Array($0) } == digest
        default: return false
        }
    }

    /// The binary form: `varint(code) varint(length) digest`.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(digest.count + 4)
        Varint.append(code.rawValue, to: &out)
        Varint.append(UInt64(digest.count), to: &out)
        out.append(contentsOf: digest)
        return out
    }

    /// Parses a multihash starting at `offset` and advances `offset` past it.
    public static func decode<C: RandomAccessCollection>(_ bytes: C, at offset: inout C.Index) throws -> Multihash
    where C.Element == UInt8, C.Index == Int {
        let code = Multicodec(rawValue: try Varint.decode(bytes, at: &offset))
        let length = try Varint.decode(bytes, at: &offset)
        guard length <= UInt64(bytes.endIndex - offset) else {
            throw IPLDError(.invalidMultihash, "digest of \(length) bytes is truncated")
        }
        switch code {
        case .sha2_256 where length != 32:
            throw IPLDError(.invalidMultihash, "sha2-256 digest must be 32 bytes, not \(length)")
        case .identity where length > UInt64(maxIdentityLength):
            throw IPLDError(.invalidMultihash, "identity digest of \(length) bytes exceeds \(maxIdentityLength)")
        default: break
        }
        let end = offset + Int(length)
        let digest = Array(bytes[offset..<end])
        offset = end
        return Multihash(code: code, digest: digest)
    }

    /// Parses a complete multihash (no trailing bytes).
    public init(bytes: [UInt8]) throws {
        var offset = 0
        self = try Multihash.decode(bytes, at: &offset)
        guard offset == bytes.count else {
            throw IPLDError(.invalidMultihash, "\(bytes.count - offset) trailing bytes after multihash")
        }
    }
}
