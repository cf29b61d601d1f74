import Foundation
import Gateway
import Logging
import PoolAPI
import Provenance
import Synchronization

/// The worker gateway's check of a bearer token: a ``PoolAPI/PeerTicket`` the pool's key signed,
/// for this pool, not expired (within ``PoolAPI/PeerTicket/clockSkew``), naming a node the
/// requester's last heartbeat answer did not list as revoked. Before the first join there is no
/// pool key, and every token is refused.
///
/// The check is offline (no call to the requester), and it knows who reads: it counts accepted
/// requests by the node the ticket names and refusals by reason (the agent's `/metrics`), and
/// logs (debug) each node's first read with a new ticket.
///
/// A verified ticket is remembered until it expires, so the many block requests of one fetch
/// pay for one signature check. The memory is bounded (``cacheLimit``): past it, expired
/// tickets go first, and then all.
final class PeerTicketVerifier: BearerTokenVerifier {
    let session: AgentSession
    let logger: Logger
    /// How many verified tickets are remembered at most.
    static let cacheLimit = 512

    private struct State {
        var verified: [String: PeerTicket] = [:]
        var reads: [String: Int] = [:]
        var refused: [String: Int] = [:]
    }

    private let state = Mutex(State())

    init(session: AgentSession, logger: Logger) {
        self.session = session
        self.logger = logger
    }

    func isValid(_ token: String) async -> Bool {
        guard let pool = session.pool else {
            count(refusal: "not-joined")
            return false
        }
        let now = Date()
        let skew = Double(PeerTicket.clockSkew.components.seconds)
        let remembered = state.withLock { $0.verified[token] }
        if let ticket = remembered, session.isRevoked(ticket.node.string) {
            count(refusal: "revoked")
            return false
        }
        if let ticket = remembered, ticket.pool == pool, now.timeIntervalSince(ticket.expires) <= skew {
            state.withLock { $0.reads[ticket.node.string, default: 0] += 1 }
            return true
        }
        do {
            let ticket = try PeerTicket.verify(token, pool: pool, now: now)
            if session.isRevoked(ticket.node.string) {
                count(refusal: "revoked")
                return false
            }
            state.withLock { state in
                if state.verified.count >= Self.cacheLimit {
                    state.verified = state.verified.filter { now.timeIntervalSince($0.value.expires) <= skew }
                    if state.verified.count >= Self.cacheLimit { state.verified = [:] }
                }
                state.verified[token] = ticket
                state.reads[ticket.node.string, default: 0] += 1
            }
            logger.debug("peer \(ticket.node) reads with a ticket valid until \(ticket.expires)")
            return true
        } catch {
            count(refusal: error.rawValue)
            logger.debug("refused a peer: \(error)")
            return false
        }
    }

    private func count(refusal reason: String) {
        state.withLock { $0.refused[reason, default: 0] += 1 }
    }

    /// Accepted requests by the did:key of the reading node.
    var reads: [String: Int] { state.withLock { $0.reads } }
    /// Refused tickets by ``PoolAPI/PeerTicket/Refusal`` raw value (and `not-joined`, `revoked`).
    var refusals: [String: Int] { state.withLock { $0.refused } }
}
