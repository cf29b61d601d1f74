import BlockStore
import Foundation
import IPLD
import PoolAPI
import Synchronization

/// The DAGs this node pins, as the pool sees them: each recursive pin with the bytes of its
/// whole DAG and whether it is private, and what changed since the requester last heard.
///
/// Placement ranks nodes by the input bytes they hold, so each pin is reported with its DAG's
/// size (``BlockStore/Repo/dagSize(_:)``). A DAG never changes under its CID, so sizes are
/// computed once and kept in `cache/dag-sizes.json` in the home: a restart does not walk every
/// dataset again. Direct pins (the provenance blocks the executor keeps) are not reported.
///
/// The requester gets the full list on join and changes on each heartbeat. A change is only
/// taken as known once the requester acknowledged it (``acknowledge(_:)``): a heartbeat that
/// got no answer is sent again with the same changes and whatever came since.
///
/// ```swift
/// let inventory = PinInventory(repo: repo, home: home)
/// let pins = try inventory.snapshot()              // the full list, for the join
/// inventory.acknowledge(pins)
/// let delta = try inventory.changes()              // for the next heartbeat
/// ```
public final class PinInventory: Sendable {
    /// Pins added (or whose size or privacy changed) and pins removed since the last acknowledgement.
    public struct Changes: Sendable, Hashable {
        public var added: [PinReport]
        public var removed: [String]
        /// The full list the changes lead to.
        public var current: [PinReport]
        public var isEmpty: Bool { added.isEmpty && removed.isEmpty }
    }

    public let repo: Repo
    let sizeFile: String
    private struct State {
        var sizes: [String: Int64] = [:]
        var sizesDirty = false
        /// The list the requester acknowledged last, by CID text.
        var acknowledged: [String: PinReport] = [:]
        /// The recursively pinned CIDs (v1) at the last snapshot, for quick "is it here" checks.
        var pinned: Set<CID> = []
    }
    private let state = Mutex(State())

    public init(repo: Repo, home: WorkerHome) {
        self.repo = repo
        sizeFile = home.path + "/cache/dag-sizes.json"
        if let data = FileManager.default.contents(atPath: sizeFile),
           let sizes = try? JSONDecoder().decode([String: Int64].self, from: data) {
            state.withLock { $0.sizes = sizes }
        }
    }

    /// The current list: every recursive pin with its DAG size and privacy.
    ///
    /// A pin whose DAG cannot be sized (a block lost from the store) is left out: the node does
    /// not claim data it cannot serve or read.
    public func snapshot() throws -> [PinReport] {
        let pins = try repo.pins(mode: .recursive)
        var reports: [PinReport] = []
        var computed: [String: Int64] = [:]
        let known = state.withLock { $0.sizes }
        for pin in pins {
            let key = pin.cid.string
            var size = known[key]
            if size == nil, let measured = try? repo.dagSize(pin.cid) {
                size = Int64(measured)
                computed[key] = size
            }
            guard let size else { continue }
            reports.append(PinReport(cid: key, size: size, private: pin.isPrivate ? true : nil))
        }
        let pinned = Set(reports.compactMap { try? CID($0.cid).v1 })
        let dirty = state.withLock { state in
            state.pinned = pinned
            state.sizes.merge(computed) { old, _ in old }
            state.sizesDirty = state.sizesDirty || !computed.isEmpty
            defer { state.sizesDirty = false }
            return state.sizesDirty ? state.sizes : nil
        }
        if let dirty { saveSizes(dirty) }
        return reports
    }

    /// What changed since the last acknowledged list.
    public func changes() throws -> Changes {
        let current = try snapshot()
        let acknowledged = state.withLock { $0.acknowledged }
        return Self.diff(from: acknowledged, to: current)
    }

    /// The changes that lead from `old` to `current` (a pin whose size or privacy changed counts as added).
    static func diff(from old: [String: PinReport], to current: [PinReport]) -> Changes {
        let added = current.filter { old[$0.cid] != $0 }
        let now = Set(current.map(\.cid))
        let removed = old.keys.filter { !now.contains($0) }.sorted()
        return Changes(added: added, removed: removed, current: current)
    }

    /// Records that the requester now knows `list` (after a join or an answered heartbeat).
    public func acknowledge(_ list: [PinReport]) {
        state.withLock { state in
            state.acknowledged = Dictionary(list.map { ($0.cid, $0) }, uniquingKeysWith: { _, last in last })
        }
    }

    /// Whether `cid` was recursively pinned at the last snapshot (its whole DAG is here).
    public func holds(_ cid: CID) -> Bool {
        state.withLock { $0.pinned.contains(cid.v1) }
    }

    /// The DAG size of `cid`, from the cache or measured now (`nil` when the DAG is incomplete).
    public func size(of cid: CID) -> Int64? {
        if let known = state.withLock({ $0.sizes[cid.string] }) { return known }
        guard let measured = try? repo.dagSize(cid) else { return nil }
        let sizes = state.withLock { state -> [String: Int64] in
            state.sizes[cid.string] = Int64(measured)
            return state.sizes
        }
        saveSizes(sizes)
        return Int64(measured)
    }

    private func saveSizes(_ sizes: [String: Int64]) {
        guard let data = try? JSONEncoder().encode(sizes) else { return }
        try? FileManager.default.createDirectory(
            atPath: (sizeFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let temporary = sizeFile + ".tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        if FileManager.default.createFile(atPath: temporary, contents: data) { rename(temporary, sizeFile) }
    }
}
