import Gateway
import PoolAPI
import PoolClient
import Synchronization

/// The agent's standing with the requester: the node credential and peer token it got when it
/// joined, and the pool's timing. Replaced on every (re)join.
public final class AgentSession: Sendable {
    private let state = Mutex<JoinResponse?>(nil)
    /// The client holding the worker token (for joins); node calls use ``nodeClient``.
    public let workerClient: PoolClient

    public init(workerClient: PoolClient) {
        self.workerClient = workerClient
    }

    /// The last join's answer, `nil` before the first join.
    public var joined: JoinResponse? { state.withLock { $0 } }

    func record(_ response: JoinResponse) {
        state.withLock { $0 = response }
    }

    /// A client sending the node credential (the worker token before any join).
    public var nodeClient: PoolClient {
        workerClient.authorized(by: joined?.credential ?? workerClient.configuration.token)
    }

    /// The node id the requester knows this node by.
    public var node: String? { joined?.node }

    /// The token peers must present to this node's gateway (`nil` before the first join).
    public var peerToken: String? { joined?.peerToken }
}

/// Accepts the pool's peer token, as the requester gave it at the last join; refuses every
/// request before the first join.
struct PeerTokenVerifier: BearerTokenVerifier {
    let session: AgentSession

    func isValid(_ token: String) async -> Bool {
        guard let peer = session.peerToken, !peer.isEmpty else { return false }
        return await SharedTokenVerifier(peer).isValid(token)
    }
}
