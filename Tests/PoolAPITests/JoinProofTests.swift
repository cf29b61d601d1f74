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
        let join = JoinRequest(
            node: "did:key:zN", url: "http://h:1", labels: ["zone": "eu-1", "gpu": "a100"],
            capacity: Capacity(slots: 4, milliCPU: 2000, memory: 1 << 30, disk: 5))
        let message = JoinProof.message(requester: "did:key:zR", nonce: "n1", join: join)
        #expect(String(decoding: message, as: UTF8.self) == """
            shoal-node-join/2
            requester did:key:zR
            nonce n1
            node did:key:zN
            capacity slots=4 milliCPU=2000 memory=1073741824 disk=5
            labels gpu=a100,zone=eu-1
            url http://h:1

            """)
    }

    /// Labels are free text: percent-encoding keeps a label from forging the format's own
    /// separators, so two different label sets never share a message.
    @Test func labelsThatHoldTheFormatsSeparatorsCannotForgeAnotherLabelSet() {
        func text(_ labels: [String: String]) -> String {
            let join = JoinRequest(node: "did:key:zN", url: "http://h:1", labels: labels, capacity: Capacity(slots: 1, milliCPU: 0, memory: 0, disk: 0))
            return String(decoding: JoinProof.message(requester: "did:key:zR", nonce: "n1", join: join), as: UTF8.self)
        }
        #expect(text(["a": "1,b=2"]) != text(["a": "1", "b": "2"]))
        #expect(text(["a": "1\nurl http://evil"]).contains("labels a=1%0Aurl%20http%3A%2F%2Fevil\n"))
        #expect(text(["é": "ü"]).contains("labels %C3%A9=%C3%BC\n"))
        #expect(text([:]).contains("\nlabels \nurl "))
    }

    @Test func aSignedJoinVerifiesUnderTheNodesDIDKeyAndOnlyForItsFields() throws {
        let join = JoinRequest(
            node: Self.node.didKey.string, url: "http://10.0.0.2:8421", labels: ["region": "eu"],
            capacity: Capacity(slots: 2, milliCPU: 1000, memory: 1 << 20, disk: 1 << 30))
        let signed = try join.signed(with: Self.node, challenge: Self.challenge)
        let proof = try #require(signed.proof)
        #expect(proof.nonce == Self.challenge.nonce)
        let signature = try #require(proof.signatureBytes)
        let did = try DIDKey(signed.node)
        #expect(did.isValidSignature(signature, for: JoinProof.message(requester: Self.requester, nonce: proof.nonce, join: signed)))
        // Any other url, capacity, labels, nonce or requester is a different message.
        var tampered: [JoinRequest] = []
        var copy = signed
        copy.url = "http://10.0.0.3:8421"
        tampered.append(copy)
        copy = signed
        copy.capacity.slots = 64
        tampered.append(copy)
        copy = signed
        copy.capacity.memory += 1
        tampered.append(copy)
        copy = signed
        copy.labels["region"] = "us"
        tampered.append(copy)
        copy = signed
        copy.labels["gpu"] = "a100"
        tampered.append(copy)
        copy = signed
        copy.labels = [:]
        tampered.append(copy)
        for join in tampered {
            #expect(!did.isValidSignature(signature, for: JoinProof.message(requester: Self.requester, nonce: proof.nonce, join: join)))
        }
        #expect(!did.isValidSignature(signature, for: JoinProof.message(requester: Self.requester, nonce: "other", join: signed)))
        #expect(!did.isValidSignature(signature, for: JoinProof.message(requester: Self.node.didKey.string, nonce: proof.nonce, join: signed)))
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
