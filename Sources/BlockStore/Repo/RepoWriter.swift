import Foundation
import IPLD
import Synchronization

/// Writes blocks and pins inside one ``Repo/write(wait:_:)`` session.
///
/// A ``BlockSink`` (hand it to the UnixFS importer) and a ``BlockSource`` (the importer and
/// ``pin(_:mode:name:)`` can read back what was written). Block files are written at once;
/// their rows in the block index are batched and flushed every ``indexBatchSize`` blocks, before
/// every pin and when the session ends, so a crash can leave at worst *orphan* files (on disk but
/// not indexed), which `verify` reports and gc removes, never an index row without its file.
public final class RepoWriter: BlockSink, BlockSource, Sendable {
    /// Index rows written in one SQLite transaction.
    public static let indexBatchSize = 512

    private let repo: Repo
    private struct State {
        var pending: [RepoDatabase.IndexedBlock] = []
        var closed = false
        var storedSinceSync = false
        /// dag-pb blocks this session wrote that have no links (see ``isLinklessDagPB(_:)``).
        var leaves: Set<CID> = []
    }

    /// At most this many session leaves are remembered (about 10 MB); a pin walk reads the rest.
    static let maxRememberedLeaves = 100_000
    private let state = Mutex(State())

    init(repo: Repo) {
        self.repo = repo
    }

    private func checkOpen() throws {
        if state.withLock({ $0.closed }) {
            throw BlockStoreError(.sessionClosed, "a RepoWriter was used after its write session ended")
        }
    }

    // MARK: BlockSink

    /// Stores `block` (idempotent: an existing intact file is left alone).
    ///
    /// The block is indexed even when its file was already there, so adding data again also
    /// adopts orphan files left by an interrupted session.
    public func put(_ block: Block) throws {
        try store(block)
    }

    /// Stores `block` like ``put(_:)`` and returns whether a new file was written.
    @discardableResult
    public func store(_ block: Block) throws -> Bool {
        try checkOpen()
        if block.cid.multihash.code == .identity { return false }
        let wrote = try repo.blocks.write(block)
        // Only blocks this session wrote itself are trusted as leaves; a file that was already
        // there is read and verified by the pin walk.
        let linkless = wrote && block.cid.codec == .dagPB && Self.isLinklessDagPB(block.bytes)
        let batch: [RepoDatabase.IndexedBlock]? = state.withLock { state in
            // A file that was already there may be another session's write, not flushed yet: a
            // pin resting on it must wait for a flush too (FlushGroup shares it).
            state.storedSinceSync = true
            if linkless, state.leaves.count < Self.maxRememberedLeaves { state.leaves.insert(block.cid) }
            state.pending.append(.init(multihash: block.cid.multihash, size: block.bytes.count, codec: block.cid.codec))
            guard state.pending.count >= Self.indexBatchSize else { return nil }
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        if let batch { try repo.database.index(batch) }
        return wrote
    }

    // MARK: BlockSource

    public func block(_ cid: CID) throws -> [UInt8] { try repo.blocks.block(cid) }

    public func has(_ cid: CID) throws -> Bool { try repo.blocks.has(cid) }

    // MARK: Pins

    /// Pins `cid`: recursively (it and every block it reaches) or directly (just it).
    ///
    /// A recursive pin first walks the whole DAG and checks that every block is present; if one
    /// is missing, nothing is pinned. Pass several CIDs to pin them atomically.
    ///
    /// - Throws: ``BlockStoreError/Code/pinMissingBlock`` naming the missing block and its
    ///   parent; ``BlockStoreError/Code/alreadyPinned`` for a direct pin of a recursive one;
    ///   ``BlockStoreError/Code/unsupportedCodec`` for a block whose links cannot be read.
    @discardableResult
    public func pin(_ cid: CID, mode: Pin.Mode = .recursive, name: String? = nil) throws -> Pin {
        try pin([cid], mode: mode, name: name)[0]
    }

    /// Pins several CIDs atomically: every DAG is checked first, then all pins are recorded in
    /// one transaction, or none.
    @discardableResult
    public func pin(_ cids: [CID], mode: Pin.Mode = .recursive, name: String? = nil) throws -> [Pin] {
        try checkOpen()
        for cid in cids {
            do {
                switch mode {
                case .recursive:
                    // Leaves this session wrote need no re-reading: a CIDv0 add would otherwise
                    // read back every 256 KiB dag-pb leaf just to learn it has no links.
                    let walker = DAGWalker(source: repo.blocks, knownLeaves: state.withLock { $0.leaves })
                    try walker.checkComplete(from: cid)
                case .direct:
                    guard try repo.blocks.has(cid) else {
                        throw BlockStoreError(.pinMissingBlock, "block \(cid) is not in the store")
                    }
                }
            } catch let error as BlockStoreError {
                throw BlockStoreError(error.code, "cannot pin \(cid): \(error.message)")
            }
        }
        try flush()
        if repo.options.syncBeforePin, state.withLock({ $0.storedSinceSync }) {
            try repo.blocks.synchronize()
            state.withLock { $0.storedSinceSync = false }
        }
        return try repo.database.upsertPins(cids, mode: mode, name: name, now: Date())
    }

    /// Writes pending block-index rows.
    public func flush() throws {
        let batch = state.withLock { state -> [RepoDatabase.IndexedBlock] in
            defer { state.pending.removeAll() }
            return state.pending
        }
        try repo.database.index(batch)
    }

    /// Whether `bytes` is a dag-pb node with no links: empty, or exactly one Data field
    /// (`0x0A varint(length) data` filling the block). In strict dag-pb, links come before Data,
    /// so such a block cannot link anywhere; this check reads only the first few bytes.
    static func isLinklessDagPB(_ bytes: [UInt8]) -> Bool {
        if bytes.isEmpty { return true }
        guard bytes[0] == 0x0A else { return false }
        var offset = 1
        guard let length = try? Varint.decode(bytes, at: &offset) else { return false }
        return UInt64(bytes.count - offset) == length
    }

    func close() {
        state.withLock { $0.closed = true }
    }
}
