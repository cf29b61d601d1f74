import IPLD

/// What a garbage collection removed.
public struct GCReport: Sendable, Equatable {
    /// A removed block: its multihash, and the CID it was indexed as (raw when unknown).
    public struct RemovedBlock: Sendable, Hashable {
        public let multihash: Multihash
        public let cid: CID
        public let size: Int
    }

    /// The removed blocks, in no particular order.
    public var removed: [RemovedBlock]
    /// Bytes of block files removed.
    public var freedBytes: Int { removed.reduce(0) { $0 + $1.size } }
    /// Blocks kept because a pin reaches them.
    public var keptBlocks: Int
    /// Leftover temporary files (from interrupted writes) removed.
    public var temporaryFilesRemoved: Int
    /// Index rows dropped whose file was already gone and that no pin needs.
    public var staleIndexRowsRemoved: Int
}

extension Repo {
    /// Removes every block that no pin reaches, and reports what it freed.
    ///
    /// The kept set is computed from the pin set: a direct pin keeps its block, a recursive pin
    /// keeps every block reachable from it (walked with `BlockLinks.of`; shared subtrees count
    /// once). Then every block file whose multihash is not in that set is deleted, leftover
    /// temporary files are removed, and the block index is brought in line.
    ///
    /// The whole collection holds the repository's exclusive lock: no write session is open
    /// while it runs, so a block written by a concurrent add is either already pinned (kept) or
    /// written after gc finishes.
    ///
    /// Nothing is deleted when the kept set cannot be computed exactly: a block reachable from a
    /// recursive pin that is missing, corrupt or in a codec Shoal cannot read makes gc throw
    /// (its children would otherwise be unknown and deleted).
    ///
    /// Do not call it inside a ``write(wait:_:)`` session: it would wait for that session forever.
    ///
    /// - Parameter wait: when `false`, throw ``BlockStoreError/Code/busy`` instead of waiting for
    ///   write sessions to end.
    /// - Throws: ``BlockStoreError/Code/pinMissingBlock``, ``BlockStoreError/Code/corrupt``,
    ///   ``BlockStoreError/Code/unsupportedCodec`` (nothing deleted), or an I/O or database error.
    public func collectGarbage(wait: Bool = true) throws -> GCReport {
        try RepoLock.withLock(.exclusive, path: lockPath, wait: wait) {
            let keep = try reachableMultihashes()
            let index = try database.indexedBlocks()
            var removed: [GCReport.RemovedBlock] = []
            var temporary = 0
            var keptBlocks = 0
            try blocks.forEachEntry { entry in
                switch entry.kind {
                case .block(let multihash):
                    if keep.contains(multihash) {
                        keptBlocks += 1
                    } else if let size = try blocks.remove(multihash) {
                        let codec = index[multihash]?.codec ?? .raw
                        removed.append(.init(multihash: multihash, cid: CID(codec: codec, multihash: multihash), size: size))
                    }
                case .temporary:
                    // Safe: the exclusive lock means no write is in progress.
                    if try SystemCall.removeFile(entry.path) { temporary += 1 }
                case .unknown:
                    break  // not ours: never touched
                }
            }
            let stale = index.keys.filter { !keep.contains($0) }
            try database.unindex(stale)
            let removedSet = Set(removed.map(\.multihash))
            return GCReport(
                removed: removed, keptBlocks: keptBlocks, temporaryFilesRemoved: temporary,
                staleIndexRowsRemoved: stale.filter { !removedSet.contains($0) }.count)
        }
    }

    /// The multihashes of every block some pin keeps.
    func reachableMultihashes() throws -> Set<Multihash> {
        var keep = Set<Multihash>()
        var seen = Set<CID>()
        let walker = DAGWalker(source: blocks)
        for pin in try database.pins() {
            switch pin.mode {
            case .direct:
                keep.insert(pin.cid.multihash)
            case .recursive:
                do {
                    // Presence of raw leaves is not required here: a missing leaf has no children
                    // to lose, and `verify` reports it.
                    try walker.walk(from: [pin.cid], seen: &seen, readRawBlocks: false, requirePresence: false) { visit in
                        keep.insert(visit.cid.multihash)
                    }
                } catch let error as BlockStoreError {
                    throw BlockStoreError(error.code, "gc stopped, nothing was removed: pin \(pin.cid): \(error.message)")
                }
            }
        }
        return keep
    }
}
