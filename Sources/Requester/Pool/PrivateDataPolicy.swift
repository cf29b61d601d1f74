import Gateway
import IPLD

/// The requester gateway's access policy: every block it holds except the DAG roots a node of
/// the pool reports as private.
///
/// Private data never moves (compute-to-data), so the requester normally holds none; but the
/// same bytes can reach its store another way (a client uploads a copy with a job). A node's
/// private mark then wins: `GET /ipfs/{cid}` answers 404 for such a root, and a CAR walk
/// neither sends it nor descends into it, exactly like the workers' gateways.
struct PrivateDataPolicy: GatewayAccessPolicy {
    let registry: PoolRegistry

    func allows(_ cid: CID) -> Bool { !registry.isPrivate(cid) }
}
