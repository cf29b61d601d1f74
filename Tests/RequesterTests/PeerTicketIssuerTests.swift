import Foundation
import PoolAPI
import Provenance
import ShoalTesting
import Testing
@testable import Requester

/// Peer tickets as the requester issues them: at the join, with every heartbeat, for itself,
/// with the requester's lasting key; and none for a revoked node.
@Suite struct PeerTicketIssuerTests {
    @Test func theJoinCarriesATicketForTheNodeThePoolKeyAndTheRequestersGateway() async throws {
        try await TestPool.with { pool in
            let worker = FakeWorker(pool: pool)
            let before = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let joined = try await worker.join()
            #expect(joined.requester == pool.requester.node)
            #expect(joined.gateway == pool.url)
            let ticket = try PeerTicket.verify(joined.peerTicket, pool: DIDKey(joined.requester))
            #expect(ticket.node.string == worker.node)
            #expect(ticket.issued >= before)
            // Three heartbeat intervals as workers are told them (200 ms → 1 s), at least 3 s.
            #expect(joined.heartbeatSeconds == 1)
            #expect(ticket.expires.timeIntervalSince(ticket.issued) == 3)
        }
    }

    @Test func everyHeartbeatRenewsTheTicket() async throws {
        try await TestPool.with { pool in
            let worker = FakeWorker(pool: pool)
            let joined = try await worker.join()
            let first = try PeerTicket.verify(joined.peerTicket, pool: DIDKey(pool.requester.node))
            // Tickets count whole seconds: the next one is later once a second has passed.
            try await Task.sleep(for: .milliseconds(1100))
            let answer = try await worker.heartbeat()
            let renewed = try PeerTicket.verify(try #require(answer.peerTicket), pool: DIDKey(pool.requester.node))
            #expect(renewed.node.string == worker.node)
            #expect(renewed.expires > first.expires)
        }
    }

    @Test func aRevokedNodeGetsNoNewTicketAndTheRequestersGatewayRefusesItAtOnce() async throws {
        try await TestPool.with { pool in
            let token = try await pool.token(.worker)
            let worker = FakeWorker(pool: pool)
            try await worker.join(token: token)
            let block = "/ipfs/\(testBlock(5).cid)?format=raw"
            #expect(try await pool.send("GET", block, token: worker.credential).status == 404)
            let id = String(token.split(separator: "_")[1])
            try (try await pool.send("DELETE", PoolAPI.Path.token(id), token: pool.admin)).expect(200)
            #expect(try await pool.send("GET", block, token: worker.credential).status == 401)
            let beat = try await pool.send("POST", PoolAPI.Path.heartbeat(worker.node), token: worker.credential, json: Heartbeat())
            #expect(beat.status == 401)
            #expect(!beat.text.contains("shoal-peer/1"))
        }
    }

    @Test func heartbeatsNameTheRevokedNodesUntilTheirTicketsHaveExpired() async throws {
        try await TestPool.with { pool in
            let token = try await pool.token(.worker)
            let revoked = FakeWorker(pool: pool)
            let staying = FakeWorker(pool: pool)
            try await revoked.join(token: token)
            try await staying.join()
            #expect(try await staying.heartbeat().revokedNodes == nil)
            let id = String(token.split(separator: "_")[1])
            try (try await pool.send("DELETE", PoolAPI.Path.token(id), token: pool.admin)).expect(200)
            #expect(try await staying.heartbeat().revokedNodes == [revoked.node])
            // Named while a ticket of the revoked node can be valid: the lifetime plus the skew.
            let tokens = pool.requester.tokens
            let window = pool.requester.tickets.lifetime.timeInterval + PeerTicket.clockSkew.timeInterval
            #expect(tokens.nodesRevoked(since: Date() - window) == [revoked.node])
            #expect(tokens.nodesRevoked(since: Date() + 1).isEmpty)
        }
    }

    @Test func aNodeThatJoinedAgainWithAValidTokenIsNotNamedRevoked() async throws {
        try await TestPool.with { pool in
            let first = try await pool.token(.worker)
            let worker = FakeWorker(pool: pool)
            try await worker.join(token: first)
            try (try await pool.send("DELETE", PoolAPI.Path.token(String(first.split(separator: "_")[1])), token: pool.admin)).expect(200)
            #expect(pool.requester.tokens.nodesRevoked(since: .distantPast) == [worker.node])
            try await worker.join(token: try await pool.token(.worker))
            #expect(pool.requester.tokens.nodesRevoked(since: .distantPast).isEmpty)
            #expect(try await worker.heartbeat().revokedNodes == nil)
        }
    }

    @Test func ticketsOutliveARestartBecauseTheKeyDoes() async throws {
        let home = TemporaryDirectory("requester")
        let (ticket, pool1, issued) = try await TestPool.with(home: home) { pool in
            (try await FakeWorker(pool: pool).join().peerTicket, pool.requester.node, Date())
        }
        let pool2 = try await TestPool.with(home: home) { pool in pool.requester.node }
        #expect(pool1 == pool2)
        // Checked as at its issue (a restart on a loaded machine may outlast its 3 s).
        _ = try PeerTicket.verify(ticket, pool: DIDKey(pool2), now: issued)
    }

    @Test func theRequestersOwnTicketNamesItAndIsReSignedAfterHalfItsLifetime() throws {
        let identity = NodeIdentity.generate()
        let issuer = PeerTicketIssuer(identity: identity, lifetime: .seconds(10))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let first = try issuer.ownTicket(now: start)
        let ticket = try PeerTicket.verify(first, pool: identity.didKey, now: start)
        #expect(ticket.node == identity.didKey)
        #expect(ticket.expires == start + 10)
        #expect(try issuer.ownTicket(now: start + 4.9) == first)
        let second = try issuer.ownTicket(now: start + 5)
        #expect(second != first)
        #expect(try PeerTicket.verify(second, pool: identity.didKey, now: start + 5).expires == start + 15)
    }

    @Test func theLifetimeIsThreeHeartbeatsWithinBounds() {
        var configuration = TestPool.configuration(home: "/nonexistent")
        configuration.heartbeat = .seconds(5)
        #expect(configuration.effectivePeerTicketLifetime == .seconds(15))
        configuration.heartbeat = .milliseconds(200)
        #expect(configuration.effectivePeerTicketLifetime == .seconds(3))
        configuration.heartbeat = .seconds(3600)
        #expect(configuration.effectivePeerTicketLifetime == .seconds(600))
        configuration.peerTicketLifetime = .seconds(1)
        #expect(configuration.effectivePeerTicketLifetime == .seconds(3))
        configuration.peerTicketLifetime = .seconds(42)
        #expect(configuration.effectivePeerTicketLifetime == .seconds(42))
    }
}
