import BlockStore
import Gateway
import IPLD
import Synchronization

/// The worker gateway's access policy: every block except those of private pins
/// (compute-to-data: a private DAG never leaves the node, not even to the requester).
///
/// Built from the pins marked private in the repository (``BlockStore/Pin/isPrivate``, set by
/// `shoal pin add --private` or `shoal worker --private CID`) when the agent starts, and rebuilt
/// whenever the set of private pins changes (the agent checks on every heartbeat). A rebuild
/// walks the private DAGs again, so a block shared with a public DAG stays withheld as long as
/// any private DAG holds it. Withheld blocks are answered like missing ones (404).
public final class PrivateDAGPolicy: GatewayAccessPolicy {
    private struct State {
        var roots: Set<CID> = []
        var withheld = WithheldBlocks()
    }
    private let state = Mutex(State())

    public init() {}

    public func allows(_ cid: CID) -> Bool {
        let withheld = state.withLock { $0.withheld }
        return withheld.allows(cid)
    }

    /// The private roots now withheld.
    public var roots: Set<CID> { state.withLock { $0.roots } }

    /// Withholds exactly the DAGs under `roots` (read from `source`), when that set changed.
    ///
    /// - Returns: whether the policy changed.
    /// - Throws: ``Gateway/GatewayError`` when a private block cannot be read (then nothing changes).
    @discardableResult
    public func update(roots: Set<CID>, from source: any BlockSource) throws -> Bool {
        let normalized = Set(roots.map(\.v1))
        if state.withLock({ $0.roots == normalized }) { return false }
        let withheld = WithheldBlocks()
        for root in normalized { try withheld.withholdDAG(root, from: source) }
        state.withLock { state in
            state.roots = normalized
            state.withheld = withheld
        }
        return true
    }
}
