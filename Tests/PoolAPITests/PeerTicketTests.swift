import Foundation
import PoolAPI
import Provenance
import Testing

/// Peer tickets: the exact wire form and signed bytes, and every way a ticket is refused.
@Suite struct PeerTicketTests {
    static let pool = try! NodeIdentity(seed: Array(repeating: 2, count: 32))
    static let node = try! NodeIdentity(seed: Array(repeating: 1, count: 32)).didKey
    static let issued = Date(timeIntervalSince1970: 1_800_000_000)

    static func ticket(lifetime: Duration = .seconds(15), signer: NodeIdentity = pool) throws -> String {
        try PeerTicket(node: node, pool: signer.didKey, issued: issued, lifetime: lifetime).signed(with: signer)
    }

    /// The base64url (no padding) of `text`'s bytes.
    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test func theTicketIsVersionPayloadAndSignatureOverTheDomainSeparatedPayload() throws {
        let text = try Self.ticket()
        let parts = text.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        #expect(parts[0] == "shoal-peer/1")
        let payload = """
            node \(Self.node)
            pool \(Self.pool.didKey)
            issued 1800000000
            expires 1800000015

            """
        #expect(parts[1] == Self.base64url(Array(payload.utf8)))
        let message = Array("shoal-peer/1\n\(payload)".utf8)
        #expect(PeerTicket.message(payload: Array(payload.utf8)) == message)
        let signature = try #require(Data(base64Encoded: parts[2].replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/") + "=="))
        #expect(Self.pool.didKey.isValidSignature(Array(signature), for: message))
        // The same payload signed without the domain line is not this signature.
        #expect(!Self.pool.didKey.isValidSignature(Array(signature), for: Array(payload.utf8)))
        #expect(!text.contains("="))
    }

    @Test func aSignedTicketVerifiesUntilItsExpiryPlusTheClockSkew() throws {
        let text = try Self.ticket()
        let ticket = try PeerTicket.verify(text, pool: Self.pool.didKey, now: Self.issued + 1)
        #expect(ticket.node == Self.node)
        #expect(ticket.pool == Self.pool.didKey)
        #expect(ticket.issued == Self.issued)
        #expect(ticket.expires == Self.issued + 15)
        _ = try PeerTicket.verify(text, pool: Self.pool.didKey, now: Self.issued + 15 + 5)
        let late = #expect(throws: PeerTicket.Refusal.self) { try PeerTicket.verify(text, pool: Self.pool.didKey, now: Self.issued + 21) }
        #expect(late == .expired)
        // Issued further in the future than the skew allows: the clocks disagree.
        let early = #expect(throws: PeerTicket.Refusal.self) { try PeerTicket.verify(text, pool: Self.pool.didKey, now: Self.issued - 6) }
        #expect(early == .notYetValid)
        _ = try PeerTicket.verify(text, pool: Self.pool.didKey, now: Self.issued - 4)
    }

    @Test func theLifetimeIsWholeSecondsFromAWholeSecond() throws {
        let ticket = PeerTicket(node: Self.node, pool: Self.pool.didKey, issued: Self.issued + 0.7, lifetime: .milliseconds(2500))
        #expect(ticket.issued == Self.issued)
        #expect(ticket.expires == Self.issued + 2)
    }

    @Test func aTamperedPayloadIsRefused() throws {
        let parts = try Self.ticket().split(separator: ".").map(String.init)
        let later = """
            node \(Self.node)
            pool \(Self.pool.didKey)
            issued 1800000000
            expires 1900000000

            """
        let other = NodeIdentity.generate().didKey
        let stranger = """
            node \(other)
            pool \(Self.pool.didKey)
            issued 1800000000
            expires 1800000015

            """
        for payload in [later, stranger] {
            let forged = [parts[0], Self.base64url(Array(payload.utf8)), parts[2]].joined(separator: ".")
            let refusal = #expect(throws: PeerTicket.Refusal.self) { try PeerTicket.verify(forged, pool: Self.pool.didKey, now: Self.issued) }
            #expect(refusal == .badSignature)
        }
    }

    @Test func aTicketSignedByAnotherKeyIsRefused() throws {
        // Another key claiming to be the pool: the payload names our pool, the signature is not its.
        let impostor = NodeIdentity.generate()
        let payload = PeerTicket(node: Self.node, pool: Self.pool.didKey, issued: Self.issued, lifetime: .seconds(15)).payload
        let signature = try impostor.signature(for: PeerTicket.message(payload: payload))
        let forged = "shoal-peer/1.\(Self.base64url(payload)).\(Self.base64url(signature))"
        let refusal = #expect(throws: PeerTicket.Refusal.self) { try PeerTicket.verify(forged, pool: Self.pool.didKey, now: Self.issued) }
        #expect(refusal == .badSignature)
        // Signing with a key that is not the pool the ticket names is refused up front.
        #expect(throws: ProvenanceError.self) {
            _ = try PeerTicket(node: Self.node, pool: Self.pool.didKey, issued: Self.issued, lifetime: .seconds(1)).signed(with: impostor)
        }
    }

    @Test func aTicketOfAnotherPoolIsRefused() throws {
        let other = NodeIdentity.generate()
        let text = try Self.ticket(signer: other)
        let refusal = #expect(throws: PeerTicket.Refusal.self) { try PeerTicket.verify(text, pool: Self.pool.didKey, now: Self.issued) }
        #expect(refusal == .otherPool)
        _ = try PeerTicket.verify(text, pool: other.didKey, now: Self.issued)
    }

    @Test(arguments: [
        "", "garbage", "shoal_0123456789ab_secret", "shoal-peer/1", "shoal-peer/1..", "shoal-peer/2.e30.e30",
        "shoal-peer/1.e30.e30", "shoal-peer/1.e30=.e30", "shoal-peer/1.!!!.e30", "shoal-peer/1.a.b.c",
        String(repeating: "x", count: 5000),
    ])
    func garbageIsMalformed(_ text: String) {
        let refusal = #expect(throws: PeerTicket.Refusal.self) { try PeerTicket.verify(text, pool: Self.pool.didKey, now: Self.issued) }
        #expect(refusal == .malformed)
    }

    @Test func payloadsOutsideTheStrictFormAreMalformed() throws {
        let did = Self.node.string, pool = Self.pool.didKey.string
        let payloads = [
            "node \(did)\npool \(pool)\nissued 1800000000\nexpires 1800000015",        // no final newline
            "pool \(pool)\nnode \(did)\nissued 1800000000\nexpires 1800000015\n",      // order
            "node \(did)\npool \(pool)\nissued 1800000015\nexpires 1800000000\n",      // expires before issued
            "node \(did)\npool \(pool)\nissued -1\nexpires 1800000015\n",             // a sign
            "node \(did)\npool \(pool)\nissued 1800000000\nexpires 1800000015\nx\n",  // an extra line
            "node  \(did)\npool \(pool)\nissued 1800000000\nexpires 1800000015\n",     // two spaces
            "node \(did)#k\npool \(pool)\nissued 1800000000\nexpires 1800000015\n",   // a fragment
            "node did:key:zNope\npool \(pool)\nissued 1800000000\nexpires 1800000015\n",
        ]
        for payload in payloads {
            let bytes = Array(payload.utf8)
            let signature = try Self.pool.signature(for: PeerTicket.message(payload: bytes))
            let text = "shoal-peer/1.\(Self.base64url(bytes)).\(Self.base64url(signature))"
            let refusal = #expect(throws: PeerTicket.Refusal.self, "\(payload)") {
                try PeerTicket.verify(text, pool: Self.pool.didKey, now: Self.issued)
            }
            #expect(refusal == .malformed)
        }
    }

    @Test func refusalsSayWhyInOneLineWithoutTheTicket() {
        for refusal in [PeerTicket.Refusal.malformed, .badSignature, .otherPool, .expired, .notYetValid] {
            #expect(!refusal.description.contains("\n"))
            #expect(refusal.description.hasPrefix("the peer ticket"))
        }
    }
}
