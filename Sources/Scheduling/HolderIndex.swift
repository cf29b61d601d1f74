import IPLD

/// Which nodes hold each pinned DAG, built once per placement call from the nodes' pin reports.
///
/// Placing a task then costs one lookup per input instead of one lookup per input per node:
/// with 1,000 nodes that is the difference between a few hash lookups and a few thousand.
/// Holders are listed in node order, so every walk over them is deterministic.
///
/// Only the DAGs some task of the call reads are indexed (`wanted`): the pins of a pool grow with
/// every step's outputs, and indexing all of them made each placement pass as slow as the pool
/// was old. Building costs, per node, the smaller of its pin count and the wanted count.
struct HolderIndex: Sendable {
    /// One node that pins a DAG, and the whole-DAG size it reported.
    struct Holder: Hashable, Sendable {
        let node: Int32
        let size: UInt64
    }

    private var holdersByCID: [DigestKey: [Holder]]

    /// Indexes the pins of `nodes` that are in `wanted`; a holder's `node` is its position in `nodes`.
    init(nodes: [NodeSnapshot], wanted: Set<DigestKey>) {
        holdersByCID = [:]
        if wanted.isEmpty { return }
        for (position, node) in nodes.enumerated() {
            if node.pins.count <= wanted.count {
                for (cid, size) in node.pins where wanted.contains(DigestKey(cid)) {
                    holdersByCID[DigestKey(cid), default: []].append(Holder(node: Int32(position), size: size))
                }
            } else {
                for key in wanted {
                    guard let size = node.pins[key.cid] else { continue }
                    holdersByCID[key, default: []].append(Holder(node: Int32(position), size: size))
                }
            }
        }
    }

    /// The nodes that pin `cid`, in node order; empty when none does.
    func holders(of cid: CID) -> [Holder] {
        holdersByCID[DigestKey(cid)] ?? []
    }

    /// How many distinct DAGs are pinned somewhere in the pool.
    var distinctCount: Int { holdersByCID.count }
}

/// A CID as a dictionary key that hashes its digest bytes in one call.
///
/// `CID`'s own `Hashable` feeds the digest to the hasher one byte at a time, which made hashing
/// about a third of placement time; equality still compares whole CIDs.
struct DigestKey: Hashable {
    let cid: CID

    init(_ cid: CID) { self.cid = cid }

    func hash(into hasher: inout Hasher) {
        cid.multihash.digest.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (lhs: DigestKey, rhs: DigestKey) -> Bool { lhs.cid == rhs.cid }
}
