import Foundation
import PoolAPI
import Provenance
import ShoalTesting
import Testing
@testable import Requester

/// A join must prove possession of the named node's key: the shared worker token alone cannot
/// take over another node's name, its credential or its place in the pool.
@Suite struct JoinChallengesTests {
    /// A join naming `victim` with an unsigned body, as an impostor holding the worker token would build it.
    static func join(_ worker: FakeWorker, url: String? = nil) -> JoinRequest {
        JoinRequest(node: worker.node, url: url ?? worker.url, capacity: Capacity(slots: 1, milliCPU: 0, memory: 0, disk: 0))
    }

    /// Whether `worker`'s current credential is still accepted.
    static func credentialWorks(_ worker: FakeWorker, _ pool: TestPool) async throws -> Bool {
        try await pool.send("POST", PoolAPI.Path.heartbeat(worker.node), token: worker.credential, json: Heartbeat()).status == 200
    }

    static func nodes(_ pool: TestPool) async throws -> [NodeInfo] {
        try (try await pool.send("GET", PoolAPI.Path.nodes, token: pool.admin)).decode([NodeInfo].self)
    }

    // MARK: Over HTTP

    @Test func anotherNodesNameWithAProofByADifferentKeyIsRefusedAndTheVictimKeepsItsCredential() async throws {
        try await TestPool.with { pool in
            let token = try await pool.token(.worker)
            let victim = FakeWorker(pool: pool, url: "http://127.0.0.1:9001")
            try await victim.join(token: token)
            let impostor = FakeWorker(pool: pool, url: "http://127.0.0.1:9666")
            // The impostor signs a fresh challenge with its own key, but names the victim.
            var forged = Self.join(victim, url: impostor.url)
            forged.proof = try await impostor.signedJoin(token: token).proof
            let refused = try await pool.send("POST", PoolAPI.Path.join, token: token, json: forged)
            #expect(refused.status == 401, "\(refused.text)")
            #expect(refused.error?.error.contains("not a signature by the key of \(victim.node)") == true, "\(refused.text)")
            // Nothing changed: the victim's credential works and the pool still sends peers to its url.
            #expect(try await Self.credentialWorks(victim, pool))
            #expect(try await Self.nodes(pool).map(\.url) == [victim.url])
        }
    }

    @Test func aProofForAnotherURLIsRefused() async throws {
        try await TestPool.with { pool in
            let token = try await pool.token(.worker)
            let node = FakeWorker(pool: pool, url: "http://127.0.0.1:9001")
            try await node.join(token: token)
            // A genuine proof, lifted into a join that points the node's name at another gateway.
            var redirected = try await node.signedJoin(token: token)
            redirected.url = "http://127.0.0.1:9666"
            let refused = try await pool.send("POST", PoolAPI.Path.join, token: token, json: redirected)
            #expect(refused.status == 401, "\(refused.text)")
            #expect(try await Self.credentialWorks(node, pool))
            #expect(try await Self.nodes(pool).map(\.url) == [node.url])
        }
    }

    @Test func aProofWhoseCapacityOrLabelsWereChangedIsRefused() async throws {
        try await TestPool.with { pool in
            let token = try await pool.token(.worker)
            let node = FakeWorker(pool: pool)
            try await node.join(labels: ["region": "us"], token: token)
            // A genuine proof, lifted into a join that claims more slots or another region.
            var bigger = try await node.signedJoin(slots: 1, labels: ["region": "us"], token: token)
            bigger.capacity.slots = 64
            var relabelled = try await node.signedJoin(slots: 1, labels: ["region": "us"], token: token)
            relabelled.labels["region"] = "eu"
            for tampered in [bigger, relabelled] {
                let refused = try await pool.send("POST", PoolAPI.Path.join, token: token, json: tampered)
                #expect(refused.status == 401, "\(refused.text)")
                #expect(refused.error?.error.contains("capacity and labels") == true, "\(refused.text)")
            }
            #expect(try await Self.credentialWorks(node, pool))
            let listed = try #require(try await Self.nodes(pool).first)
            #expect(listed.labels == ["region": "us"] && listed.capacity.slots == 1)
        }
    }

    @Test func aProofForAnotherRequesterIsRefused() async throws {
        try await TestPool.with { pool in
            let token = try await pool.token(.worker)
            let node = FakeWorker(pool: pool)
            var challenge = try await node.challenge(token: token)
            // Signed as if the nonce came from another pool's requester.
            challenge.requester = NodeIdentity.generate().didKey.string
            let join = try Self.join(node).signed(with: node.identity, challenge: challenge)
            let refused = try await pool.send("POST", PoolAPI.Path.join, token: token, json: join)
            #expect(refused.status == 401, "\(refused.text)")
            #expect(try await Self.nodes(pool).isEmpty)
        }
    }

    @Test func aReplayedJoinIsRefusedAndTheCredentialItGotStaysValid() async throws {
        try await TestPool.with { pool in
            let token = try await pool.token(.worker)
            let node = FakeWorker(pool: pool)
            let captured = try await node.signedJoin(token: token)
            let first = try await pool.send("POST", PoolAPI.Path.join, token: token, json: captured)
            try first.expect(200)
            let credential = try first.decode(JoinResponse.self).credential
            let replay = try await pool.send("POST", PoolAPI.Path.join, token: token, json: captured)
            #expect(replay.status == 401, "\(replay.text)")
            #expect(replay.error?.error.contains("already used") == true, "\(replay.text)")
            let beat = try await pool.send("POST", PoolAPI.Path.heartbeat(node.node), token: credential, json: Heartbeat())
            #expect(beat.status == 200)
        }
    }

    @Test func anExpiredChallengeIsRefused() async throws {
        try await TestPool.with(configure: { $0.joinChallengeLifetime = .zero }) { pool in
            let token = try await pool.token(.worker)
            let node = FakeWorker(pool: pool)
            let stale = try await node.signedJoin(token: token)
            let refused = try await pool.send("POST", PoolAPI.Path.join, token: token, json: stale)
            #expect(refused.status == 401, "\(refused.text)")
            #expect(refused.error?.error.contains("expired") == true, "\(refused.text)")
            #expect(try await Self.nodes(pool).isEmpty)
        }
    }

    @Test func aMissingOrMalformedProofIsRefusedAndChangesNothing() async throws {
        try await TestPool.with { pool in
            let token = try await pool.token(.worker)
            let victim = FakeWorker(pool: pool)
            try await victim.join(token: token)
            let before = try await Self.nodes(pool)

            let missing = try await pool.send("POST", PoolAPI.Path.join, token: token, json: Self.join(victim))
            #expect(missing.status == 401, "\(missing.text)")
            #expect(missing.error?.error.contains("no proof of the node key") == true, "\(missing.text)")

            let challenge = try await victim.challenge(token: token)
            for signature in ["not base64!", Data(repeating: 7, count: 63).base64EncodedString(), ""] {
                var malformed = Self.join(victim)
                malformed.proof = JoinProof(nonce: challenge.nonce, signature: signature)
                let refused = try await pool.send("POST", PoolAPI.Path.join, token: token, json: malformed)
                #expect(refused.status == 401, "\(signature): \(refused.text)")
            }
            // A well-formed signature of a nonce this requester never issued.
            var unknown = try Self.join(victim).signed(with: victim.identity, challenge: challenge)
            unknown.proof?.nonce = "made-up"
            let refused = try await pool.send("POST", PoolAPI.Path.join, token: token, json: unknown)
            #expect(refused.status == 401, "\(refused.text)")
            #expect(refused.error?.error.contains("unknown") == true, "\(refused.text)")

            #expect(try await Self.credentialWorks(victim, pool))
            #expect(try await Self.nodes(pool).map(\.id) == before.map(\.id))
            // The refused joins did not burn the challenge: the genuine node can still use it.
            let genuine = try Self.join(victim).signed(with: victim.identity, challenge: challenge)
            try (try await pool.send("POST", PoolAPI.Path.join, token: token, json: genuine)).expect(200)
        }
    }

    @Test func theGenuineNodeRejoinsWithAFreshProofAndItsOldCredentialIsRevoked() async throws {
        try await TestPool.with { pool in
            let token = try await pool.token(.worker)
            let node = FakeWorker(pool: pool)
            try await node.join(token: token)
            let old = node.credential
            try await node.join(token: token)
            #expect(node.credential != old)
            let stale = try await pool.send("POST", PoolAPI.Path.heartbeat(node.node), token: old, json: Heartbeat())
            #expect(stale.status == 401)
            #expect(try await Self.credentialWorks(node, pool))
        }
    }

    @Test func aRestartedRequesterForgetsTheChallengesItIssued() async throws {
        let home = TemporaryDirectory("requester")
        let node = NodeIdentity.generate()
        let (token, join) = try await TestPool.with(home: home) { pool in
            let token = try await pool.token(.worker)
            let worker = FakeWorker(pool: pool, identity: node)
            return (token, try await worker.signedJoin(token: token))
        }
        try await TestPool.with(home: home) { pool in
            let refused = try await pool.send("POST", PoolAPI.Path.join, token: token, json: join)
            #expect(refused.status == 401, "\(refused.text)")
            // Signing a new challenge of the restarted requester works.
            try await FakeWorker(pool: pool, identity: node).join(token: token)
        }
    }

    // MARK: The table

    @Test func aNonceIsSpentOnceAndOnlyBeforeItExpires() throws {
        let node = NodeIdentity.generate()
        let table = JoinChallenges(requester: NodeIdentity.generate().didKey.string, lifetime: .seconds(60))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let join = JoinRequest(node: node.didKey.string, url: "http://127.0.0.1:9", capacity: Capacity(slots: 1, milliCPU: 0, memory: 0, disk: 0))

        let challenge = try table.issue(for: "t", now: start)
        #expect(challenge.expires == start + 60)
        #expect(challenge.nonce.count == 43 && !challenge.nonce.contains { "+/=".contains($0) })
        let signed = try join.signed(with: node, challenge: challenge)
        try table.verify(signed, node: node.didKey, now: start + 59)
        #expect(throws: RequesterError.self) { try table.verify(signed, node: node.didKey, now: start + 59) }

        let late = try join.signed(with: node, challenge: table.issue(for: "t", now: start))
        #expect(throws: RequesterError.self) { try table.verify(late, node: node.didKey, now: start + 60) }
        #expect(table.outstanding(now: start + 60) == 0)
    }

    @Test func aTokenGetsAtMostAFewOutstandingChallengesOverHTTP() async throws {
        try await TestPool.with(configure: { $0.joinChallengesPerToken = 3 }) { pool in
            let flooder = try await pool.token(.worker)
            let honest = try await pool.token(.worker)
            let node = FakeWorker(pool: pool)
            var issued: [JoinChallenge] = []
            for _ in 0..<3 { issued.append(try await node.challenge(token: flooder)) }
            let refused = try await pool.send("POST", PoolAPI.Path.challenge, token: flooder)
            #expect(refused.status == 429, "\(refused.text)")
            #expect(refused.error?.error.contains("3 join challenges outstanding") == true, "\(refused.text)")
            // Another token's joins are not delayed by the flood.
            let other = FakeWorker(pool: pool)
            try await other.join(token: honest)
            #expect(try await Self.credentialWorks(other, pool))
            // The challenges already issued still work (none was dropped), and a join that
            // answers one frees its slot.
            let join = try Self.join(node).signed(with: node.identity, challenge: issued[0])
            try (try await pool.send("POST", PoolAPI.Path.join, token: flooder, json: join)).expect(200)
            try (try await pool.send("POST", PoolAPI.Path.challenge, token: flooder)).expect(200)
            #expect(try await pool.send("POST", PoolAPI.Path.challenge, token: flooder).status == 429)
        }
    }

    @Test func aTokensOutstandingChallengesAreBoundedAndFreedBySpendingOrExpiry() throws {
        let node = NodeIdentity.generate()
        let table = JoinChallenges(requester: NodeIdentity.generate().didKey.string, lifetime: .seconds(60), perToken: 2)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let first = try table.issue(for: "A", now: start)
        _ = try table.issue(for: "A", now: start + 1)
        #expect(throws: RequesterError.self) { try table.issue(for: "A", now: start + 2) }
        do {
            _ = try table.issue(for: "A", now: start + 2)
        } catch let error as RequesterError {
            #expect(error.code == .tooManyRequests)
            #expect(error.message.contains("2 join challenges outstanding"))
        }
        // Other tokens are not affected; the refused request dropped nothing of A's.
        _ = try table.issue(for: "B", now: start + 2)
        #expect(table.outstanding(now: start + 2) == 3)
        // Spending one frees a slot.
        let join = JoinRequest(node: node.didKey.string, url: "http://127.0.0.1:9", capacity: Capacity(slots: 1, milliCPU: 0, memory: 0, disk: 0))
        try table.verify(try join.signed(with: node, challenge: first), node: node.didKey, now: start + 3)
        _ = try table.issue(for: "A", now: start + 3)
        #expect(throws: RequesterError.self) { try table.issue(for: "A", now: start + 3) }
        // Expiry frees them all.
        _ = try table.issue(for: "A", now: start + 63)
        _ = try table.issue(for: "A", now: start + 63)
        #expect(table.outstanding(now: start + 63) == 2)
    }

    @Test func theTableKeepsAtMostItsCapacityDroppingTheOldest() throws {
        let node = NodeIdentity.generate()
        let table = JoinChallenges(requester: NodeIdentity.generate().didKey.string, lifetime: .seconds(60), capacity: 3)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let challenges = try (0..<5).map { try table.issue(for: "t\($0)", now: start + Double($0)) }
        #expect(table.outstanding(now: start + 5) == 3)
        #expect(Set(challenges.map(\.nonce)).count == 5)
        let join = JoinRequest(node: node.didKey.string, url: "http://127.0.0.1:9", capacity: Capacity(slots: 1, milliCPU: 0, memory: 0, disk: 0))
        #expect(throws: RequesterError.self) {
            try table.verify(try join.signed(with: node, challenge: challenges[1]), node: node.didKey, now: start + 5)
        }
        try table.verify(try join.signed(with: node, challenge: challenges[4]), node: node.didKey, now: start + 5)
    }
}
