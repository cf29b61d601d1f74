import IPLD

/// A node's signature on a step: "I ran this, and this is what happened".
///
/// `sig` is the Ed25519 signature, by the key `signer` names, over the **binary form of the step's
/// CID** (`01 71 12 20 <digest>` for a CIDv1 dag-cbor sha2-256 step). Signing the CID rather than
/// the block covers the block all the same, since the CID is its hash, and lets anyone check a
/// signature before fetching the step.
///
/// ```swift
/// let attestation = try Attestation(signing: stepCID, with: identity)
/// try attestation.signatureIsValid()     // true
/// ```
public struct Attestation: ProvenanceObject {
    public static let typeName = "shoal.attestation/1"

    /// Always ``typeName``.
    public let type: String = Attestation.typeName
    /// The step signed.
    public var step: CID
    /// The signer's did:key.
    public var signer: String
    /// The 64-byte Ed25519 signature over `step`'s binary CID.
    public var sig: IPLDBytes

    public init(step: CID, signer: String, sig: IPLDBytes) {
        self.step = step
        self.signer = signer
        self.sig = sig
    }

    /// Signs `step` with `identity`'s key.
    public init(signing step: CID, with identity: NodeIdentity) throws {
        self.init(step: step, signer: identity.didKey.string, sig: IPLDBytes(try identity.signature(for: step.bytes)))
    }

    /// The signer's key.
    ///
    /// - Throws: ``ProvenanceError`` when `signer` is not an Ed25519 did:key.
    public func signerKey() throws -> DIDKey {
        try DIDKey(signer)
    }

    /// Whether `sig` is the signer's valid signature of `step`.
    ///
    /// Says nothing about whether the signer is trusted; ``Verifier`` checks that.
    ///
    /// - Throws: ``ProvenanceError`` when `signer` is not an Ed25519 did:key.
    public func signatureIsValid() throws -> Bool {
        try signerKey().isValidSignature(sig.bytes, for: step.bytes)
    }

    /// The field names, which `Specs/provenance.ipldsch` must list too.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case type, step, signer, sig
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try container.checkType(.type, expected: Self.typeName)
        step = try container.decode(CID.self, forKey: .step)
        signer = try container.decode(String.self, forKey: .signer)
        sig = try container.decode(IPLDBytes.self, forKey: .sig)
    }
}
