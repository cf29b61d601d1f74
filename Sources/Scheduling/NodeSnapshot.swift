import IPLD

/// What the requester knows about one worker node at the moment of placement.
///
/// Built from the worker's join message and heartbeats: its labels, its capacity, and the DAGs it
/// has pinned with their whole-DAG sizes (the pin report lists roots; a pinned root means every
/// block under it is local). `free` is what is left after the steps already running there.
public struct NodeSnapshot: Hashable, Sendable {
    /// Whether a node accepts new work.
    public enum Status: String, Hashable, Sendable, CustomStringConvertible {
        /// Heartbeating and accepting work.
        case ready
        /// Heartbeating but finishing its running steps before leaving; takes no new work.
        case draining
        /// Its lease expired; it may come back.
        case down

        public var description: String { rawValue }
    }

    /// The node's id, unique in the pool (`w1`, or its `did:key`).
    public var id: String
    /// Labels the operator gave it (`region=eu`, `gpu=a100`), matched by ``Constraint``s.
    public var labels: [String: String]
    /// Whether it accepts new work; only ``Status/ready`` nodes are placed on.
    public var status: Status
    /// Everything the node offers.
    public var total: Resources
    /// What is left after the steps already running there.
    public var free: Resources
    /// Pinned DAG roots and the byte size of each whole DAG.
    public var pins: [CID: UInt64]

    public init(
        id: String,
        labels: [String: String] = [:],
        status: Status = .ready,
        total: Resources,
        free: Resources? = nil,
        pins: [CID: UInt64] = [:]
    ) {
        self.id = id
        self.labels = labels
        self.status = status
        self.total = total
        self.free = free ?? total
        self.pins = pins
    }
}
