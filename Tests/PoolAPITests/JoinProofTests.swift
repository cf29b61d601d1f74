import Foundation
import PoolAPI
import Provenance
import Testing

/// The signed join message: its exact bytes, signing, and the wire form of a proof.
@Suite struct JoinProofTests {
    static let node = try! NodeIdentity(seed: Array(repeating: 1, count: 32))
    static let requester = try! NodeIdentity(seed: Array(repeating: 2, count: 32)).didKey.string
    static let challenge = JoinChallenge(nonce: "abc_-123", requester: requester, expires: Date(timeIntervalSince1970: 1_800_000_000))

    static func join(url: String = "http://10.0.0.2:8421") -> JoinRequest {
        JoinRequest(node: node.didKey.string, url: url, capacity: Capacity(slots: 1, milliCPU: 0, memory: 0, disk: 0))
    }

    @Test func theMessageIsDomainSeparatedLinesInAFixedOrder() {
        let message = JoinProof.message(requester: "did:key:zR", nonce: "n1", node: "did:key:zN", url: "http://h:1")
        #expect(String(decoding: message, as: UTF8.self) == "shoal-node-join/1\nrequester did:key:zR\nnonce n1\nnode did:key:zN\nurl http://h:1\n")
    }

    @Test func aSignedJoinVerifiesUnderTheNodesDIDKeyAndOnlyForItsFields() throws {
        let signed = try Self.join().signed(with: Self.node, challenge: Self.challenge)
        let proof = try #require(signed.proof)
        #expect(proof.nonce == Self.challenge.nonce)
        let signature = try #require(proof.signatureBytes)
        let did = try DIDKey(signed.node)
        #expect(did.isValidSignature(signature, for: JoinProof.message(
            requester: Self.requester, nonce: proof.nonce, node: signed.node, url: signed.url)))
        // Any other url, nonce or requester is a different message.
        #expect(!did.isValidSignature(signature, for: JoinProof.message(
            requester: Self.requester, nonce: proof.nonce, node: signed.node, url: "http://10.0.0.3:8421")))
        #expect(!did.isValidSignature(signature, for: JoinProof.message(
            requester: Self.requester, nonce: "other", node: signed.node, url: signed.url)))
        #expect(!did.isValidSignature(signature, for: JoinProof.message(
            requester: Self.node.didKey.string, nonce: proof.nonce, node: signed.node, url: signed.url)))
    }

    @Test func aKeyCannotSignAJoinNamingAnotherNode() {
        #expect(throws: ProvenanceError.self) { try Self.join().signed(with: NodeIdentity.generate(), challenge: Self.challenge) }
    }

    @Test func aSignatureThatIsNot64BytesOfBase64HasNoBytes() {
        #expect(JoinProof(nonce: "n", signature: "***").signatureBytes == nil)
        #expect(JoinProof(nonce: "n", signature: Data(count: 65).base64EncodedString()).signatureBytes == nil)
        #expect(JoinProof(nonce: "n", signature: Data(count: 64).base64EncodedString()).signatureBytes?.count == 64)
    }

    @Test func aJoinWithoutAProofStillDecodesSoTheRequesterCanAnswer401() throws {
        let body = #"{"node":"did:key:z6Mk","url":"http://h:1","labels":{},"capacity":{"slots":1,"milliCPU":0,"memory":0,"disk":0},"pins":[]}"#
        let join = try PoolAPI.decoder.decode(JoinRequest.self, from: Data(body.utf8))
        #expect(join.proof == nil)
        let signed = try Self.join().signed(with: Self.node, challenge: Self.challenge)
        #expect(try PoolAPI.decoder.decode(JoinRequest.self, from: PoolAPI.encoder.encode(signed)) == signed)
    }
}
