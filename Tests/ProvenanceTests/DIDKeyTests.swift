import Crypto
import IPLD
import Testing
@testable import Provenance

struct DIDKeyTests {
    /// Vectors from the did:key spec's test suite (w3c-ccg/did-method-key,
    /// `test-vectors/ed25519-x25519.json`): the Ed25519 key of a 32-byte seed and its did:key.
    static let vectors: [(seed: UInt8, did: String, publicKeyBase58: String)] = [
        (0, "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp", "4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS"),
        (1, "did:key:z6MkjchhfUsD6mmvni8mCdXHw216Xrm9bQe2mBH1P5RDjVJG", "6ASf5EcmmEHTgDJ4X4ZT5vT6iHVJBXPg5AN5YoTCpGWt"),
        (2, "did:key:z6MknGc3ocHs3zdPiJbnaaqDi58NGb4pk1Sp9WxWufuXSdxf", "8pM1DN3RiT8vbom5u1sNryaNT1nyL8CTTW3b5PwWXRBH"),
    ]

    /// The seed `00…0n`: 31 zero bytes and then `n`.
    static func seed(_ last: UInt8) -> [UInt8] { [UInt8](repeating: 0, count: 31) + [last] }

    @Test(arguments: vectors.map(\.seed))
    func specVectorsFromSeed(_ last: UInt8) throws {
        let vector = Self.vectors.first { $0.seed == last }!
        let identity = try NodeIdentity(seed: Self.seed(last))
        #expect(identity.didKey.string == vector.did)
        // The raw key is the spec's publicKeyBase58, i.e. the did without its multicodec prefix.
        #expect(Multibase.base58btc.encodeWithoutPrefix(identity.didKey.rawPublicKey) == vector.publicKeyBase58)
    }

    @Test(arguments: vectors.map(\.did))
    func parsesAndPrintsTheSameText(_ did: String) throws {
        let key = try DIDKey(did)
        #expect(key.string == did)
        #expect(key.rawPublicKey.count == 32)
        #expect(did.hasPrefix("did:key:z6Mk"))
    }

    @Test func ignoresAVerificationMethodFragment() throws {
        let did = Self.vectors[0].did
        #expect(try DIDKey(did + "#" + did.dropFirst("did:key:".count)) == DIDKey(did))
    }

    @Test func verifiesSignaturesOfItsKey() throws {
        let identity = try NodeIdentity(seed: Self.seed(5))
        let message = Array("step bytes".utf8)
        let signature = try identity.signature(for: message)
        let key = try DIDKey(identity.didKey.string)
        #expect(signature.count == 64)
        #expect(key.isValidSignature(signature, for: message))
        #expect(!key.isValidSignature(signature, for: Array("other bytes".utf8)))
        var altered = signature
        altered[10] ^= 1
        #expect(!key.isValidSignature(altered, for: message))
        #expect(try !DIDKey(Self.vectors[0].did).isValidSignature(signature, for: message))
    }

    @Test func rejectsOtherKeyTypesByName() throws {
        // X25519 (0xec) from the same spec vectors, and secp256k1 (0xe7) from the did:key spec examples.
        let x25519 = "did:key:z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW"
        let error = #expect(throws: ProvenanceError.self) { try DIDKey(x25519) }
        #expect(error?.code == .unsupportedKeyType)
        #expect(error?.message.contains("x25519-pub") == true)
        let secp = "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme"
        let secpError = #expect(throws: ProvenanceError.self) { try DIDKey(secp) }
        #expect(secpError?.code == .unsupportedKeyType)
        #expect(secpError?.message.contains("secp256k1-pub") == true)
    }

    @Test(arguments: [
        "", "did:web:example.com", "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
        "did:key:", "did:key:6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
        "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooW0",   // 0 is not base58
        "did:key:" + Multibase.base58btc.encode([0xed, 0x01] + [UInt8](repeating: 1, count: 31)),  // 31-byte key
        "did:key:" + Multibase.base58btc.encode([0xed]),                                          // truncated varint
    ])
    func rejectsMalformedText(_ text: String) {
        let error = #expect(throws: ProvenanceError.self) { try DIDKey(text) }
        #expect(error?.code == .invalidDIDKey)
        #expect(error.map { !"\($0)".contains("\n") } == true)
    }

    @Test func codableAsItsString() throws {
        let key = try DIDKey(Self.vectors[1].did)
        let value = try IPLDEncoder().encode(key)
        #expect(value == .string(Self.vectors[1].did))
        #expect(try IPLDDecoder().decode(DIDKey.self, from: value) == key)
    }
}
