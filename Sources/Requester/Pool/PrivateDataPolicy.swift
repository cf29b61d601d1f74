import Gateway
import IPLD
import Logging
import Synchronization

/// The requester gateway's access policy: every block it holds except the blocks of DAGs a node
/// of the pool reports as private.
///
/// Private data never moves (compute-to-data), so the requester normally holds none; but the
/// same bytes can reach its store another way (a client uploads a copy with a job). A node's
/// private mark then wins for the whole DAG: `GET /ipfs/{cid}` answers 404 for its root and for
/// any block under it asked for by its own CID, and a CAR walk neither sends nor descends into
/// them, exactly like the workers' gateways.
///
/// The blocks are withheld by a ``Gateway/PrivateDAGPolicy`` that ``refresh(rewalk:)`` rebuilds
/// when the set of private roots changes (a join, a heartbeat that adds a private pin or removes
/// one) or when blocks reach the store (`rewalk`); a request only looks its CID up. A root is
/// also checked against the registry directly, so it is refused even before the first refresh.
final class PrivateDataPolicy: GatewayAccessPolicy {
    let registry: PoolRegistry
    let source: any BlockSource
    let logger: Logger
    /// The blocks withheld, as of the last refresh.
    let withheld = PrivateDAGPolicy()
    /// Serializes refreshes: each reads the registry's roots and installs what it walked, so a
    /// slower refresh that read older roots can never replace a newer one.
    private let refreshing = Mutex(())

    init(registry: PoolRegistry, source: any BlockSource, logger: Logger) {
        self.registry = registry
        self.source = source
        self.logger = logger
    }

    func allows(_ cid: CID) -> Bool { withheld.allows(cid) && !registry.isPrivate(cid) }

    /// Withholds the DAGs under the roots nodes now report as private.
    ///
    /// - Parameter rewalk: walks them again even when the roots did not change, because blocks
    ///   reached the store since (an upload, a fetch).
    func refresh(rewalk: Bool = false) {
        refreshing.withLock { _ in
            let roots = registry.privateRoots()
            if rewalk && roots.isEmpty { return }
            do {
                if try withheld.update(roots: roots, from: source, rewalk: rewalk) {
                    logger.debug("withholding the blocks of \(roots.count) private DAG(s)")
                }
            } catch {
                // The previous set stays in force; the roots themselves stay refused by `allows`.
                logger.error("cannot walk the private DAGs to withhold them: \(error)")
            }
        }
    }
}
