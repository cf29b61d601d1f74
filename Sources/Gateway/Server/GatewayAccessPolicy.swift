import IPLD
import Synchronization

/// Decides which blocks a gateway may send: the seam for compute-to-data.
///
/// The gateway asks the policy about the requested CID before it answers, and about every block
/// a CAR walk reaches before it sends it. A refused root is answered exactly like a block the
/// node does not hold (404 with the same message), so a peer cannot learn that private data
/// exists here. A refused block inside a DAG is neither sent nor descended into: the CAR ends
/// up incomplete, which a client detects and treats like any missing block.
///
/// A worker withholds the DAGs of inputs marked `private: true` with ``WithheldBlocks``.
public protocol GatewayAccessPolicy: Sendable {
    /// Whether the block `cid` may be sent to a peer.
    func allows(_ cid: CID) -> Bool
}

/// Serves every block the store holds.
public struct OpenAccess: GatewayAccessPolicy {
    public init() {}
    public func allows(_ cid: CID) -> Bool { true }
}

/// Serves every block except the ones withheld: whole DAGs that must never leave this node.
///
/// CIDs are compared as CIDv1, so a block withheld as `Qm…` is withheld as `bafy…` too.
///
/// ```swift
/// let policy = WithheldBlocks()
/// try policy.withholdDAG(privateInput, from: repo)   // every block under it
/// let routes = GatewayRoutes(source: repo, policy: policy)
/// ```
public final class WithheldBlocks: GatewayAccessPolicy {
    private let withheld = Mutex<Set<CID>>([])

    public init(_ cids: some Sequence<CID> = [CID]()) {
        withheld.withLock { set in set.formUnion(cids.map(\.v1)) }
    }

    public func allows(_ cid: CID) -> Bool {
        let key = cid.v1
        return withheld.withLock { !$0.contains(key) }
    }

    /// Withholds single blocks.
    public func withhold(_ cids: some Sequence<CID>) {
        let keys = cids.map(\.v1)
        withheld.withLock { $0.formUnion(keys) }
    }

    /// Withholds the DAG under `root`: it and every block it reaches in `source`.
    ///
    /// Blocks shared with a public DAG are withheld from that DAG too: withholding errs on the
    /// side of not sending. Blocks the store lacks are skipped (they cannot be served anyway).
    ///
    /// - Returns: how many blocks are now withheld for this DAG.
    /// - Throws: ``GatewayError/Code/storage`` when a block in `source` is corrupt or unreadable.
    @discardableResult
    public func withholdDAG(_ root: CID, from source: any BlockSource) throws -> Int {
        var cids = [root]
        var traversal = DAGTraversal(source: source, tolerateMissing: true)
        do {
            try traversal.start(root: root, expansion: .all)
            while let block = try traversal.next() { cids.append(block.cid) }
        } catch {
            // A root that is not held is withheld by its CID alone.
            if error.code != .notFound { throw error }
        }
        cids.append(contentsOf: traversal.skippedMissing)
        withhold(cids)
        return Set(cids.map(\.v1)).count
    }

    /// Serves the blocks again.
    public func release(_ cids: some Sequence<CID>) {
        let keys = cids.map(\.v1)
        withheld.withLock { $0.subtract(keys) }
    }

    /// How many blocks are withheld.
    public var count: Int { withheld.withLock { $0.count } }
}
