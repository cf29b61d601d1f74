import Foundation
import IPLD

/// Amounts of a node's resources (what it has, or what was free when it last said).
///
/// A dimension reported as 0 means the node did not say; placement treats it as unlimited.
public struct NodeResources: Sendable, Hashable, Codable {
    /// Steps it runs at once.
    public var slots: Int
    public var milliCPU: Int
    public var memory: Int64
    public var disk: Int64

    public init(slots: Int = 0, milliCPU: Int = 0, memory: Int64 = 0, disk: Int64 = 0) {
        self.slots = slots
        self.milliCPU = milliCPU
        self.memory = memory
        self.disk = disk
    }
}

/// Whether a pool node takes work.
public enum NodeState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Heartbeating and taking work.
    case ready
    /// Finishing what it runs; takes no new work.
    case draining
    /// Stopped heartbeating (its leases expired) or left; it may join again.
    case down
}

/// A worker node of the pool, as the requester stores it.
public struct NodeRecord: Sendable, Hashable {
    /// The node's did:key.
    public var id: String
    /// Base URL of its trustless gateway.
    public var url: String
    public var labels: [String: String]
    public var capacity: NodeResources
    /// Free resources as last reported.
    public var free: NodeResources?
    public var state: NodeState
    public var joined: Date
    public var lastHeartbeat: Date?
    /// Input bytes the node reported fetching from peers, and reading locally, in all.
    public var fetchedBytes: Int64
    public var localBytes: Int64

    public init(
        id: String, url: String, labels: [String: String] = [:], capacity: NodeResources, free: NodeResources? = nil,
        state: NodeState = .ready, joined: Date = Date(), lastHeartbeat: Date? = nil, fetchedBytes: Int64 = 0,
        localBytes: Int64 = 0
    ) {
        self.id = id
        self.url = url
        self.labels = labels
        self.capacity = capacity
        self.free = free
        self.state = state
        self.joined = joined
        self.lastHeartbeat = lastHeartbeat
        self.fetchedBytes = fetchedBytes
        self.localBytes = localBytes
    }
}

/// One DAG a node pins: its root, the bytes of the whole DAG, and whether it must stay there.
public struct NodePin: Sendable, Hashable {
    /// The root (stored and returned as CIDv1).
    public var cid: CID
    public var size: Int64
    /// Never served to peers or the requester: tasks reading it run only on this node.
    public var isPrivate: Bool

    public init(cid: CID, size: Int64, isPrivate: Bool = false) {
        self.cid = cid
        self.size = size
        self.isPrivate = isPrivate
    }
}
