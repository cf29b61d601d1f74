import Foundation
import PoolAPI
import Provenance
import ShoalTesting
import Testing

/// Peer access is per node and revocable: a real requester and worker (`shoal serve`,
/// `shoal worker`), and a node joined from this test (its own key and worker token) whose
/// token is then revoked with `shoal token revoke`.
@Suite(.ownThread) struct PoolPeerTicketTests {
    /// A node that joins over HTTP as `shoal worker` does (signed challenge), with no slots.
    struct Intruder {
        let identity = NodeIdentity.generate()
        var node: String { identity.didKey.string }

        func join(_ pool: LocalPool, token: String) async throws -> JoinResponse {
            let (status, body) = try await HTTPCall.send("POST", pool.url + PoolAPI.Path.challenge, token: token, json: Data("{}".utf8))
            guard status == 200 else { throw ShoalProcessError("challenge: HTTP \(status)") }
            let challenge = try PoolAPI.decoder.decode(JoinChallenge.self, from: body)
            let request = try JoinRequest(
                node: node, url: "http://127.0.0.1:9", capacity: Capacity(slots: 0, milliCPU: 0, memory: 0, disk: 0)
            ).signed(with: identity, challenge: challenge)
            let (joined, answer) = try await HTTPCall.send(
                "POST", pool.url + PoolAPI.Path.join, token: token, json: try PoolAPI.encoder.encode(request))
            guard joined == 200 else { throw ShoalProcessError("join: HTTP \(joined): \(String(decoding: answer, as: UTF8.self))") }
            return try PoolAPI.decoder.decode(JoinResponse.self, from: answer)
        }

        /// One heartbeat; the fresh ticket, or the status that refused it.
        func heartbeat(_ pool: LocalPool, credential: String) async throws -> (status: Int, ticket: String?) {
            let (status, body) = try await HTTPCall.send(
                "POST", pool.url + PoolAPI.Path.heartbeat(node), token: credential, json: try PoolAPI.encoder.encode(Heartbeat()))
            guard status == 200 else { return (status, nil) }
            return (status, try PoolAPI.decoder.decode(HeartbeatResponse.self, from: body).peerTicket)
        }
    }

    @Test func aRevokedNodeIsRefusedByTheRequesterAtOnceAndByPeersFromTheirNextHeartbeat() async throws {
        // `--heartbeat 1s`: tickets live 3 s (three heartbeats), so the test stays short.
        let pool = try LocalPool()
        defer { pool.stop() }
        try pool.folder.write("shared.txt", text: "for every node of the pool\n")
        var cid = ""
        let holder = try pool.addWorker("w1") { shoal in cid = try shoal.run(["add", "-Q", pool.folder.file("shared.txt")]).line }
        let block = "/ipfs/\(cid)?format=raw"
        let token = try pool.client.run(["token", "create", "--role", "worker", "--note", "intruder"]).line
        let tokenID = String(token.split(separator: "_")[1])

        let intruder = Intruder()
        let joined = try await intruder.join(pool, token: token)
        let requesterKey = try DIDKey(joined.requester)
        #expect(joined.requester == (try NodeIdentity.load(from: NodeIdentity.keyPath(home: pool.requesterHome))).didKey.string)
        #expect(joined.gateway == pool.url)
        // Its ticket opens the worker's gateway; its credential the requester's (404: not held there).
        #expect(try await HTTPCall.send("GET", holder.url + block, token: joined.peerTicket).status == 200)
        #expect(try await HTTPCall.send("GET", pool.url + block, token: joined.credential).status == 404)
        // A ticket is no key to the requester's gateway.
        #expect(try await HTTPCall.send("GET", pool.url + block, token: joined.peerTicket).status == 401)

        // A heartbeat brings a fresh ticket; it works too.
        let beat = try await intruder.heartbeat(pool, credential: joined.credential)
        let last = try #require(beat.ticket)
        let ticket = try PeerTicket.verify(last, pool: requesterKey)
        #expect(ticket.node == intruder.identity.didKey)
        #expect(ticket.expires.timeIntervalSince(ticket.issued) == 3)
        #expect(try await HTTPCall.send("GET", holder.url + block, token: last).status == 200)

        // Revoked: the requester refuses it at once (gateway and heartbeat: no new ticket).
        #expect(try pool.client.run(["token", "revoke", tokenID]).succeeded)
        #expect(try await HTTPCall.send("GET", pool.url + block, token: joined.credential).status == 401)
        #expect(try await intruder.heartbeat(pool, credential: joined.credential).status == 401)

        // The peer refuses it once a heartbeat answer names it revoked (every 1 s here), before
        // its last ticket would have run out (with the clock-skew allowance); bounded wait.
        let skew = Double(PeerTicket.clockSkew.components.seconds)
        let deadline = ticket.expires.addingTimeInterval(skew + 10)
        var refusedAt: Date?
        while Date() < deadline {
            let status = try await HTTPCall.send("GET", holder.url + block, token: last).status
            if status == 401 {
                refusedAt = Date()
                break
            }
            #expect(status == 200)
            try await Task.sleep(for: .milliseconds(250))
        }
        let refused = try #require(refusedAt, "the peer still accepted the revoked node's ticket")
        #expect(refused < ticket.expires.addingTimeInterval(skew), "refused only when the ticket ran out")
        #expect(try await HTTPCall.send("GET", holder.url + block, token: joined.peerTicket).status == 401)

        // The worker knows who read, and why it refused.
        let metrics = try await pool.metrics(of: holder)
        #expect(metrics.text.contains("shoal_worker_peer_requests_total{node=\"\(intruder.node)\"}"), "\(metrics.text)")
        #expect(metrics.text.contains("shoal_worker_peer_tickets_refused_total{reason=\"revoked\"}"), "\(metrics.text)")
        // The requester's own tickets still open the worker's gateway (its output fetches).
        #expect(try await HTTPCall.send("GET", holder.url + block, token: try pool.peerTicket()).status == 200)
    }
}
