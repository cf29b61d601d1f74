import Crypto
import IPLD
import Testing
@testable import Provenance

struct AttestationTests {
    static let identity = ProvenanceFixture.identity(seed: 7)
    static let step = try! StepTests.step().cid()

    @Test func signsTheBinaryStepCID() throws {
        let attestation = try Attestation(signing: Self.step, with: Self.identity)
        #expect(attestation.signer == Self.identity.didKey.string)
        #expect(attestation.sig.bytes.count == 64)
        #expect(try attestation.signatureIsValid())
        // Checked independently with swift-crypto over the CID's binary form (01 71 12 20 …).
        #expect(Array(Self.step.bytes.prefix(4)) == [0x01, 0x71, 0x12, 0x20])
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: Self.identity.didKey.rawPublicKey)
        #expect(key.isValidSignature(attestation.sig.bytes, for: Self.step.bytes))
    }

    @Test func roundTripsWithSigAsBytes() throws {
        let attestation = try Attestation(signing: Self.step, with: Self.identity)
        let block = try attestation.block()
        #expect(try block.decoded()["sig"]?.bytes == attestation.sig.bytes)
        #expect(try block.decoded()["step"]?.link == Self.step)
        #expect(try Attestation(block: block) == attestation)
    }

    @Test func alteredSignatureOrStepOrSignerFails() throws {
        let good = try Attestation(signing: Self.step, with: Self.identity)
        var altered = good
        altered.sig.bytes[0] ^= 0x80
        #expect(try !altered.signatureIsValid())
        var otherStep = good
        otherStep.step = try RecipeTests.recipe().cid()
        #expect(try !otherStep.signatureIsValid())
        var otherSigner = good
        otherSigner.signer = ProvenanceFixture.identity(seed: 8).didKey.string
        #expect(try !otherSigner.signatureIsValid())
        var notAKey = good
        notAKey.signer = "node-7"
        let error = #expect(throws: ProvenanceError.self) { try notAKey.signatureIsValid() }
        #expect(error?.code == .invalidDIDKey)
    }
}
