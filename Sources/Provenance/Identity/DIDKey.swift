import Crypto
import IPLD

/// An Ed25519 public key written as a `did:key` identifier: how Shoal names a node.
///
/// The did:key method (w3c-ccg.github.io/did-method-key) writes a public key as
/// `did:key:` + a multibase (base58btc, prefix `z`) string of the key's multicodec code as an
/// unsigned varint followed by the raw key. For Ed25519 the code is `ed25519-pub` (`0xed`, the
/// varint `ed 01`) and the key is 32 bytes, so every Ed25519 did:key starts with `did:key:z6Mk`.
///
/// ```swift
/// let did = try DIDKey("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")
/// did.isValidSignature(signature, for: message)
/// ```
///
/// Only Ed25519 keys are accepted; a did:key of another type (X25519 `z6LS…`, secp256k1
/// `zQ3s…`, P-256 `zDn…`) is rejected with ``ProvenanceError/Code/unsupportedKeyType``.
public struct DIDKey: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The 32-byte Ed25519 public key.
    public let rawPublicKey: [UInt8]

    /// The scheme prefix every did:key has.
    public static let prefix = "did:key:"

    /// The did:key of an Ed25519 public key.
    public init(_ publicKey: Curve25519.Signing.PublicKey) {
        self.rawPublicKey = Array(publicKey.rawRepresentation)
    }

    /// Parses `did:key:z6Mk…` (an optional `#fragment`, as in a verification method id, is ignored).
    ///
    /// - Throws: ``ProvenanceError/Code/invalidDIDKey`` for text that is not a did:key, and
    ///   ``ProvenanceError/Code/unsupportedKeyType`` for a did:key of a key type other than Ed25519.
    public init(_ text: some StringProtocol) throws {
        let string = String(text)
        let quoted = "'\(string.prefix(80))'"
        guard string.hasPrefix(Self.prefix) else {
            throw ProvenanceError(.invalidDIDKey, "\(quoted) does not start with \(Self.prefix)")
        }
        var identifier = string.dropFirst(Self.prefix.count)
        if let hash = identifier.firstIndex(of: "#") { identifier = identifier[..<hash] }
        guard identifier.first == "z" else {
            throw ProvenanceError(.invalidDIDKey, "\(quoted) is not base58btc (a did:key starts with did:key:z)")
        }
        let bytes: [UInt8]
        do {
            bytes = try Multibase.decode(identifier)
        } catch {
            throw ProvenanceError(.invalidDIDKey, "\(quoted) is not valid base58btc")
        }
        var offset = 0
        let code: UInt64
        do {
            code = try Varint.decode(bytes, at: &offset)
        } catch {
            throw ProvenanceError(.invalidDIDKey, "\(quoted) has no multicodec key type")
        }
        guard Multicodec(rawValue: code) == .ed25519Pub else {
            throw ProvenanceError(.unsupportedKeyType,
                "\(quoted) is a \(Self.keyTypeName(code)) key; Shoal node keys are Ed25519 (did:key:z6Mk…)")
        }
        let key = Array(bytes[offset...])
        guard key.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: key)) != nil else {
            throw ProvenanceError(.invalidDIDKey, "\(quoted) holds \(key.count) key bytes; an Ed25519 key has 32")
        }
        self.rawPublicKey = key
    }

    /// The public key, for verifying signatures.
    public var publicKey: Curve25519.Signing.PublicKey {
        // The initializers only accept keys that swift-crypto already parsed once.
        try! Curve25519.Signing.PublicKey(rawRepresentation: rawPublicKey)
    }

    /// The text form, `did:key:z6Mk…`.
    public var string: String {
        var bytes = Varint.encode(Multicodec.ed25519Pub.rawValue)
        bytes.append(contentsOf: rawPublicKey)
        return Self.prefix + Multibase.base58btc.encode(bytes)
    }

    public var description: String { string }

    /// Whether `signature` is this key's Ed25519 signature of `message`.
    public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
        publicKey.isValidSignature(Array(signature), for: Array(message))
    }

    public static func < (lhs: DIDKey, rhs: DIDKey) -> Bool { lhs.string < rhs.string }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self = try DIDKey(try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }

    /// A readable name for the key types a did:key commonly carries (multicodec table).
    static func keyTypeName(_ code: UInt64) -> String {
        switch code {
        case 0xe7: "secp256k1-pub"
        case 0xec: "x25519-pub"
        case 0x1200: "p256-pub"
        case 0x1201: "p384-pub"
        case 0x1205: "rsa-pub"
        case 0xeb: "bls12_381-g2-pub"
        default: "0x" + String(code, radix: 16)
        }
    }
}
