import Foundation
import IPLD
import Orchestrator

/// Resources of a node: what it has, or what is free now.
public struct Capacity: Codable, Sendable, Hashable {
    /// Steps it runs at once.
    public var slots: Int
    public var milliCPU: Int
    public var memory: Int64
    public var disk: Int64

    public init(slots: Int, milliCPU: Int, memory: Int64, disk: Int64) {
        self.slots = slots
        self.milliCPU = milliCPU
        self.memory = memory
        self.disk = disk
    }
}

/// A DAG a node pins, with the bytes of the whole DAG (what placement ranks nodes by).
public struct PinReport: Codable, Sendable, Hashable {
    public var cid: String
    public var size: Int64
    /// Never served to peers or the requester; tasks reading it run only on this node.
    public var `private`: Bool?

    public init(cid: String, size: Int64, private isPrivate: Bool? = nil) {
        self.cid = cid
        self.size = size
        self.private = isPrivate
    }
}

/// `POST /api/v1/nodes/join` (bearer: a worker token).
///
/// The worker token only says "a machine the operator allowed into the pool"; it is shared by
/// every worker, so it cannot say *which* node is joining. The join names the node by its
/// did:key, and the requester issues that node's credential (revoking the one it held before), so
/// the join must also prove that the caller holds the node's private key: ``proof`` signs a
/// challenge the requester issued (see ``JoinChallenge``). Build it with ``sign(with:challenge:)``.
public struct JoinRequest: Codable, Sendable, Hashable {
    /// The worker's did:key.
    public var node: String
    /// Base URL of the worker's gateway (`http://10.0.0.2:8421`).
    public var url: String
    public var labels: [String: String]
    public var capacity: Capacity
    /// The full pin list.
    public var pins: [PinReport]
    /// The node key's signature over a challenge of this requester; a join without one is refused (401).
    public var proof: JoinProof?

    public init(node: String, url: String, labels: [String: String] = [:], capacity: Capacity, pins: [PinReport] = [],
                proof: JoinProof? = nil) {
        self.node = node
        self.url = url
        self.labels = labels
        self.capacity = capacity
        self.pins = pins
        self.proof = proof
    }
}

/// The answer to a join: the node's credential, its first peer ticket and the pool's timing.
public struct JoinResponse: Codable, Sendable, Hashable {
    public var node: String
    /// Bearer token for this node's heartbeats, claims and reports, and for the requester's own
    /// `/ipfs` gateway.
    public var credential: String
    public var heartbeatSeconds: Int
    public var leaseSeconds: Int
    /// Executions this node held before it restarted, which it must clean up and not report.
    public var abandon: [String]
    /// The requester's did:key: the pool key that signs peer tickets. The node's gateway accepts
    /// only tickets this key signed for this pool.
    public var requester: String
    /// This node's ``PeerTicket`` (its text): the bearer token it presents to other nodes'
    /// gateways until a heartbeat answer brings a fresh one.
    public var peerTicket: String
    /// The requester's own gateway base URL, as it names itself among an assignment's
    /// providers: the node presents its ``credential`` there (never its ticket, which the
    /// requester does not accept), and its ticket to every other provider.
    public var gateway: String?

    public init(node: String, credential: String, heartbeatSeconds: Int, leaseSeconds: Int, abandon: [String] = [],
                requester: String, peerTicket: String, gateway: String? = nil) {
        self.node = node
        self.credential = credential
        self.heartbeatSeconds = heartbeatSeconds
        self.leaseSeconds = leaseSeconds
        self.abandon = abandon
        self.requester = requester
        self.peerTicket = peerTicket
        self.gateway = gateway
    }
}

/// `POST /api/v1/nodes/{node}/heartbeat`: renews the node's leases and reports changes.
public struct Heartbeat: Codable, Sendable, Hashable {
    public var free: Capacity?
    /// Execution ids still running on the node.
    public var running: [String]
    public var pinsAdded: [PinReport]
    public var pinsRemoved: [String]
    /// Input bytes fetched from peers and read locally since the last heartbeat (metrics).
    public var fetchedBytes: Int64
    public var localBytes: Int64

    public init(free: Capacity? = nil, running: [String] = [], pinsAdded: [PinReport] = [], pinsRemoved: [String] = [],
                fetchedBytes: Int64 = 0, localBytes: Int64 = 0) {
        self.free = free
        self.running = running
        self.pinsAdded = pinsAdded
        self.pinsRemoved = pinsRemoved
        self.fetchedBytes = fetchedBytes
        self.localBytes = localBytes
    }
}

/// The answer to a heartbeat.
public struct HeartbeatResponse: Codable, Sendable, Hashable {
    /// Executions the node must stop (job cancelled, lease lost).
    public var cancel: [String]
    /// A fresh ``PeerTicket`` for the node (its text), replacing the one it holds: tickets live a
    /// few heartbeat intervals, so a node that can no longer heartbeat (revoked, or forgotten)
    /// loses peer access soon after.
    public var peerTicket: String?
    /// The nodes whose credentials were revoked recently enough that a ticket of theirs may not
    /// have expired: a node's gateway refuses their tickets from now on instead of waiting for
    /// the expiry. Absent when there are none (and from older requesters).
    public var revokedNodes: [String]?

    public init(cancel: [String] = [], peerTicket: String? = nil, revokedNodes: [String]? = nil) {
        self.cancel = cancel
        self.peerTicket = peerTicket
        self.revokedNodes = revokedNodes
    }
}

/// One step placed on a node, returned by `POST /api/v1/nodes/{node}/claim`.
public struct Assignment: Codable, Sendable, Hashable {
    public var execution: String
    public var leaseExpires: Date
    public var step: StepAssignment
    /// For each input or tool CID the node does not hold: gateway base URLs that do, best first.
    public var providers: [String: [String]]

    public init(execution: String, leaseExpires: Date, step: StepAssignment, providers: [String: [String]] = [:]) {
        self.execution = execution
        self.leaseExpires = leaseExpires
        self.step = step
        self.providers = providers
    }
}

/// `POST /api/v1/executions/{id}/report`: an outcome, and optionally the step's small blocks.
///
/// A finished step costs one request when its provenance travels with the report: the step,
/// recipe and attestation blocks (and the stdout/stderr DAGs when small) in ``blocks``. The
/// requester checks every block against its CID and the step against the outcome before it
/// stores anything, stores them all with one flush to disk, then records the outcome, so an
/// acknowledged report's blocks survive a crash. Blocks over ``maxBlockBytes`` in all (or more
/// than ``maxBlocks``) are refused (413): upload them with `POST /api/v1/blocks` first and
/// report without them, as older workers do. A requester that predates ``blocks`` ignores the
/// field and answers 422 for a success whose step it lacks; the worker then uploads.
public struct ExecutionReport: Codable, Sendable, Hashable {
    public var outcome: StepOutcome
    /// Blocks to store with the report (each verified against its CID), or `nil`.
    public var blocks: [ReportBlock]?

    /// The most block bytes a report may carry (1 MiB; 1.4 MiB as base64, well under the
    /// requester's 4 MiB JSON body limit).
    public static let maxBlockBytes = 1 << 20
    /// The most blocks a report may carry.
    public static let maxBlocks = 512

    public init(outcome: StepOutcome, blocks: [ReportBlock]? = nil) {
        self.outcome = outcome
        self.blocks = blocks
    }
}

/// One block carried by an ``ExecutionReport``: its CID and its bytes (base64 on the wire).
public struct ReportBlock: Codable, Sendable, Hashable {
    public var cid: CID
    public var data: Data

    public init(cid: CID, data: Data) {
        self.cid = cid
        self.data = data
    }

    public init(_ block: Block) {
        self.init(cid: block.cid, data: Data(block.bytes))
    }
}

/// The answer to a report: recorded now, or recorded before (a retry).
public struct ReportResponse: Codable, Sendable, Hashable {
    public var recorded: Bool
    public var duplicate: Bool
    public init(recorded: Bool, duplicate: Bool) {
        self.recorded = recorded
        self.duplicate = duplicate
    }
}

/// A node as `GET /api/v1/nodes` and `shoal node list` show it.
public struct NodeInfo: Codable, Sendable, Hashable {
    public var id: String
    public var url: String
    /// `ready`, `draining` or `down`.
    public var state: String
    public var labels: [String: String]
    public var capacity: Capacity
    /// What the node reported free at its last heartbeat (`nil` before its first one).
    public var free: Capacity?
    public var pins: Int
    public var pinnedBytes: Int64
    /// Steps the node holds (claimed, with a lease).
    public var running: Int
    /// Slots the requester has given the node: steps placed on it and not claimed yet, and the
    /// ones it holds. Known from the join on, unlike ``free``.
    public var usedSlots: Int
    public var lastHeartbeat: Date?

    public init(id: String, url: String, state: String, labels: [String: String], capacity: Capacity, free: Capacity?,
                pins: Int, pinnedBytes: Int64, running: Int, usedSlots: Int? = nil, lastHeartbeat: Date?) {
        self.id = id
        self.url = url
        self.state = state
        self.labels = labels
        self.capacity = capacity
        self.free = free
        self.pins = pins
        self.pinnedBytes = pinnedBytes
        self.running = running
        self.usedSlots = usedSlots ?? running
        self.lastHeartbeat = lastHeartbeat
    }
}
