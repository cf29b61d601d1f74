import Gateway
import PoolAPI
import PoolClient
import Provenance
import Synchronization

/// The agent's standing with the requester: the node credential, the pool's key and this node's
/// current peer ticket, and the pool's timing. Replaced on every (re)join; the ticket is renewed
/// by every heartbeat answer.
public final class AgentSession: Sendable {
    private struct State {
        var joined: JoinResponse?
        /// The requester's did:key, parsed from the last join.
        var pool: DIDKey?
        /// The newest peer ticket (the join's, then each heartbeat's).
        var ticket: String?
        /// The nodes the last heartbeat answer named as revoked.
        var revoked: Set<String> = []
    }

    private let state = Mutex(State())
    /// The client holding the worker token (for joins); node calls use ``nodeClient``.
    public let workerClient: PoolClient

    public init(workerClient: PoolClient) {
        self.workerClient = workerClient
    }

    /// The last join's answer, `nil` before the first join.
    public var joined: JoinResponse? { state.withLock { $0.joined } }

    /// Records a join's answer.
    ///
    /// - Throws: ``WorkerError/Code/refused`` when the answer names no valid requester did:key
    ///   (the gateway could then check no ticket).
    func record(_ response: JoinResponse) throws {
        guard let pool = try? DIDKey(response.requester) else {
            throw WorkerError(.refused, "the requester's join answer names '\(response.requester.prefix(80))' as its key, which is not a did:key")
        }
        state.withLock { $0 = State(joined: response, pool: pool, ticket: response.peerTicket) }
    }

    /// Keeps the fresh ticket a heartbeat answer brought.
    func renewTicket(_ ticket: String) {
        state.withLock { $0.ticket = ticket }
    }

    /// Keeps the revoked nodes a heartbeat answer named (their tickets are refused).
    func noteRevoked(_ nodes: [String]) {
        state.withLock { $0.revoked = Set(nodes) }
    }

    /// Whether the requester named `node` as revoked in its last heartbeat answer.
    func isRevoked(_ node: String) -> Bool {
        state.withLock { $0.revoked.contains(node) }
    }

    /// A client sending the node credential (the worker token before any join).
    public var nodeClient: PoolClient {
        workerClient.authorized(by: joined?.credential ?? workerClient.configuration.token)
    }

    /// The node id the requester knows this node by.
    public var node: String? { joined?.node }

    /// The pool's key: the requester's did:key, whose signature a peer ticket must carry
    /// (`nil` before the first join).
    public var pool: DIDKey? { state.withLock { $0.pool } }

    /// The ticket this node presents to its peers' gateways (`nil` before the first join).
    public var peerTicket: String? { state.withLock { $0.ticket } }

    /// What to present to the gateway at `url`: the node credential to the requester's own
    /// gateway (the URL it named in the join answer, or the URL this agent reaches it at),
    /// which accepts no ticket, and the peer ticket to every other node's.
    func token(forProvider url: String) -> String? {
        let (joined, ticket) = state.withLock { ($0.joined, $0.ticket) }
        let requesterURLs = [joined?.gateway, workerClient.configuration.url].compactMap { $0.map(Self.trimmed) }
        return requesterURLs.contains(Self.trimmed(url)) ? joined?.credential : ticket
    }

    static func trimmed(_ url: String) -> String {
        var url = Substring(url)
        while url.hasSuffix("/") { url.removeLast() }
        return url.lowercased()
    }
}
