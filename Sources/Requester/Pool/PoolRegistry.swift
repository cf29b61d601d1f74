import Foundation
import IPLD
import JobStore
import PoolAPI
import Provenance
import Scheduling
import Synchronization

/// The pool's nodes and what they pin, in memory: a mirror of the store's node tables that the
/// placement loop reads on every pass without touching the database.
///
/// Every change is written to the ``JobStore/JobStore`` first and applied here after, so a
/// restarted requester rebuilds the same view with ``load(from:startedAt:)``. Pins are keyed by
/// CIDv1, so a DAG reported as `Qm…` and asked for as `bafy…` is the same DAG.
final class PoolRegistry: Sendable {
    struct Node: Sendable {
        var record: NodeRecord
        /// Its pins by CIDv1; change them with ``setPin(_:)`` and ``removePin(_:)``, which keep
        /// the two views below in step.
        private(set) var pins: [CID: NodePin] = [:]
        /// Each pin's whole-DAG size, as a placement snapshot takes it: kept here so a snapshot
        /// shares it instead of copying every pin of every node on every pass.
        private(set) var pinSizes: [CID: UInt64] = [:]
        /// The pins reported private, so the pool's private roots are found without reading
        /// every pin (that was done on every report).
        private(set) var privatePins: Set<CID> = []

        init(record: NodeRecord, pins: [NodePin] = []) {
            self.record = record
            for pin in pins { setPin(pin) }
        }

        mutating func setPin(_ pin: NodePin) {
            let key = pin.cid.v1
            pins[key] = pin
            pinSizes[key] = UInt64(max(0, pin.size))
            if pin.isPrivate { privatePins.insert(key) } else { privatePins.remove(key) }
        }

        mutating func removePin(_ cid: CID) {
            let key = cid.v1
            pins[key] = nil
            pinSizes[key] = nil
            privatePins.remove(key)
        }
    }

    private let nodes = Mutex<[String: Node]>([:])

    /// Reads every node and pin. Heartbeats older than `startedAt` count as made at `startedAt`:
    /// the time the requester was down is not held against the nodes.
    func load(from store: JobStore, startedAt: Date) throws {
        let records = try store.nodes()
        let pins = try store.nodePins()
        var loaded: [String: Node] = [:]
        for var record in records {
            if let last = record.lastHeartbeat, last < startedAt { record.lastHeartbeat = startedAt }
            loaded[record.id] = Node(record: record, pins: pins[record.id] ?? [])
        }
        nodes.withLock { $0 = loaded }
    }

    func join(_ record: NodeRecord, pins: [NodePin]) {
        let node = Node(record: record, pins: pins)
        nodes.withLock { $0[record.id] = node }
    }

    func heartbeat(_ node: String, at date: Date, free: NodeResources?, added: [NodePin], removed: [CID], fetched: Int64, local: Int64) {
        nodes.withLock { nodes in
            guard var entry = nodes[node] else { return }
            entry.record.lastHeartbeat = date
            if let free { entry.record.free = free }
            if entry.record.state == .down { entry.record.state = .ready }
            entry.record.fetchedBytes += fetched
            entry.record.localBytes += local
            for cid in removed { entry.removePin(cid) }
            for pin in added { entry.setPin(pin) }
            nodes[node] = entry
        }
    }

    /// Adds pins the requester learned of without a heartbeat (a step's outputs, which its node keeps).
    func addPins(_ node: String, _ pins: [NodePin]) {
        nodes.withLock { nodes in
            for pin in pins where nodes[node]?.pins[pin.cid.v1] == nil { nodes[node]?.setPin(pin) }
        }
    }

    func setState(_ node: String, _ state: NodeState) {
        nodes.withLock { $0[node]?.record.state = state }
    }

    func node(_ id: String) -> Node? { nodes.withLock { $0[id] } }

    func all() -> [Node] { nodes.withLock { Array($0.values) }.sorted { $0.record.id < $1.record.id } }

    /// Nodes that are not down but have not heartbeated since `deadline`.
    func silentNodes(since deadline: Date) -> [String] {
        nodes.withLock { nodes in
            nodes.values.filter { $0.record.state != .down && ($0.record.lastHeartbeat ?? $0.record.joined) < deadline }
                .map(\.record.id).sorted()
        }
    }

    /// Whether any node reports `cid` as private (such data never leaves its holder).
    func isPrivate(_ cid: CID) -> Bool {
        let key = cid.v1
        return nodes.withLock { $0.values.contains { $0.pins[key]?.isPrivate == true } }
    }

    /// Every CID some node reports as private (as CIDv1).
    func privateRoots() -> Set<CID> {
        nodes.withLock { nodes in
            var roots: Set<CID> = []
            for node in nodes.values { roots.formUnion(node.privatePins) }
            return roots
        }
    }

    /// The nodes that pin `cid`, not down, largest report first then by id.
    func holders(of cid: CID) -> [Node] {
        let key = cid.v1
        return nodes.withLock { nodes in
            nodes.values.filter { $0.pins[key] != nil && $0.record.state != .down }
        }.sorted { ($0.pins[key]!.size, $1.record.id) > ($1.pins[key]!.size, $0.record.id) }
    }

    /// Whether some node that is not down pins `cid`.
    func isPinned(_ cid: CID) -> Bool {
        let key = cid.v1
        return nodes.withLock { $0.values.contains { $0.pins[key] != nil && $0.record.state != .down } }
    }

    /// The did:keys of every node that ever joined: the signers whose attestations count.
    func didKeys() -> Set<DIDKey> {
        Set(nodes.withLock { Array($0.keys) }.compactMap { try? DIDKey($0) })
    }

    /// The scheduler's view of the pool: each node's resources less what `reserved` holds on it.
    func snapshots(reserved: [String: Resources]) -> [NodeSnapshot] {
        nodes.withLock { nodes in
            nodes.values.map { node in
                let total = Self.resources(node.record.capacity)
                let used = reserved[node.record.id] ?? .zero
                let free = Resources(
                    slots: max(0, total.slots - used.slots), milliCPU: max(0, total.milliCPU - used.milliCPU),
                    memory: total.memory > used.memory ? total.memory - used.memory : 0,
                    disk: total.disk > used.disk ? total.disk - used.disk : 0)
                let status: NodeSnapshot.Status = switch node.record.state {
                case .ready: .ready
                case .draining: .draining
                case .down: .down
                }
                return NodeSnapshot(id: node.record.id, labels: node.record.labels, status: status, total: total, free: free, pins: node.pinSizes)
            }
        }
    }

    /// A node's capacity as the scheduler counts it: a dimension reported as 0 is unlimited.
    static func resources(_ capacity: NodeResources) -> Resources {
        let unlimited = UInt64(1) << 62
        return Resources(
            slots: capacity.slots > 0 ? capacity.slots : 1, milliCPU: capacity.milliCPU > 0 ? capacity.milliCPU : Int(1) << 40,
            memory: capacity.memory > 0 ? UInt64(capacity.memory) : unlimited, disk: capacity.disk > 0 ? UInt64(capacity.disk) : unlimited)
    }

    /// `GET /api/v1/nodes`: each node with its pins, the steps it holds (`running`) and the slots
    /// the requester has given it (`used`: placed or held).
    func infos(running: [String: Int], used: [String: Int]) -> [NodeInfo] {
        all().map { node in
            let record = node.record
            return NodeInfo(
                id: record.id, url: record.url, state: record.state.rawValue, labels: record.labels,
                capacity: Self.capacity(record.capacity), free: record.free.map(Self.capacity), pins: node.pins.count,
                pinnedBytes: node.pins.values.reduce(0) { $0 + $1.size }, running: running[record.id] ?? 0,
                usedSlots: used[record.id] ?? 0, lastHeartbeat: record.lastHeartbeat)
        }
    }

    static func capacity(_ resources: NodeResources) -> Capacity {
        Capacity(slots: resources.slots, milliCPU: resources.milliCPU, memory: resources.memory, disk: resources.disk)
    }

    static func nodeResources(_ capacity: Capacity) -> NodeResources {
        NodeResources(slots: capacity.slots, milliCPU: capacity.milliCPU, memory: capacity.memory, disk: capacity.disk)
    }
}
