import Foundation
import IPLD

/// A DSSE envelope: a signed payload of a declared type (github.com/secure-systems-lab/dsse).
///
/// The signature covers the **pre-authentication encoding** of the payload type and body,
/// `PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body` (lengths in ASCII
/// decimal, SP a single space), so a signature for one payload type can never be replayed as
/// another. Shoal signs with the node's Ed25519 key and names it by its did:key in `keyid`.
///
/// ```json
/// { "payload": "<base64>", "payloadType": "application/vnd.in-toto+json",
///   "signatures": [ { "keyid": "did:key:z6Mk…", "sig": "<base64>" } ] }
/// ```
public struct DSSEEnvelope: Codable, Sendable, Hashable {
    /// One signature.
    public struct Signature: Codable, Sendable, Hashable {
        public var keyid: String
        /// Standard base64 of the signature bytes.
        public var sig: String
    }

    /// The media type of the payload, such as ``inTotoPayloadType``.
    public var payloadType: String
    /// Standard base64 of the payload bytes.
    public var payload: String
    public var signatures: [Signature]

    /// The payload type of in-toto statements.
    public static let inTotoPayloadType = "application/vnd.in-toto+json"

    /// Signs `body` as a payload of `payloadType` with `identity`'s key.
    public init(signing body: [UInt8], payloadType: String, with identity: NodeIdentity) throws {
        let signature = try identity.signature(for: Self.pae(payloadType: payloadType, body: body))
        self.payloadType = payloadType
        self.payload = Data(body).base64EncodedString()
        self.signatures = [Signature(keyid: identity.didKey.string, sig: Data(signature).base64EncodedString())]
    }

    /// The pre-authentication encoding DSSE signs.
    public static func pae(payloadType: String, body: [UInt8]) -> [UInt8] {
        let type = Array(payloadType.utf8)
        var out = Array("DSSEv1 \(type.count) ".utf8)
        out += type
        out += Array(" \(body.count) ".utf8)
        out += body
        return out
    }

    /// The decoded payload, or `nil` when `payload` is not valid base64.
    public var payloadBytes: [UInt8]? {
        Data(base64Encoded: payload).map(Array.init)
    }

    /// The keys among `keys` with a valid signature in this envelope.
    ///
    /// A signature counts only when its `keyid` is the did:key that verifies it.
    public func validSigners(among keys: Set<DIDKey>) -> Set<DIDKey> {
        guard let body = payloadBytes else { return [] }
        let message = Self.pae(payloadType: payloadType, body: body)
        var valid = Set<DIDKey>()
        for signature in signatures {
            guard let key = try? DIDKey(signature.keyid), keys.contains(key),
                  let sig = Data(base64Encoded: signature.sig),
                  key.isValidSignature(Array(sig), for: message)
            else { continue }
            valid.insert(key)
        }
        return valid
    }

    /// The envelope as pretty-printed JSON with sorted keys.
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Strings only: encoding cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self) + "\n"
    }
}
