import IPLD
import Synchronization

/// An access policy that withholds every block of a changing set of private DAGs
/// (compute-to-data: a private DAG never leaves its node).
///
/// A worker builds it from the pins marked private in its repository (`shoal pin add --private`
/// or `shoal worker --private CID`) when the agent starts, and rebuilds it whenever that set
/// changes (the agent checks on every heartbeat). The requester builds it from the roots any
/// node reports as private, in case copies of those blocks reached its store. A rebuild walks
/// the private DAGs again, so a block shared with a public DAG stays withheld as long as any
/// private DAG holds it; requests only look a CID up. Withheld blocks are answered like
/// missing ones (404).
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
    /// - Parameter rewalk: walks the DAGs again even when `roots` did not change, for when
    ///   `source` may have gained blocks of them since the last walk.
    /// - Returns: whether the policy changed (was rebuilt).
    /// - Throws: ``GatewayError`` when a private block cannot be read (then nothing changes).
    @discardableResult
    public func update(roots: Set<CID>, from source: any BlockSource, rewalk: Bool = false) throws -> Bool {
        let normalized = Set(roots.map(\.v1))
        if !rewalk, state.withLock({ $0.roots == normalized }) { return false }
        let withheld = WithheldBlocks()
        for root in normalized { try withheld.withholdDAG(root, from: source) }
        state.withLock { state in
            state.roots = normalized
            state.withheld = withheld
        }
        return true
    }
}
