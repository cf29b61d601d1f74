import IPLD

extension Repo {
    /// The bytes of every block of the DAG under `root`, each block counted once: what a node
    /// reports for a pinned DAG, so placement can rank nodes by the input bytes they hold.
    ///
    /// Raw leaves are sized from their files without being read; other blocks are read (and
    /// verified) to follow their links. Identity blocks count for nothing (they are not stored).
    ///
    /// - Throws: ``BlockStoreError/Code/pinMissingBlock`` for a block of the DAG that is not in
    ///   the store, ``BlockStoreError/Code/corrupt`` for one that does not match its CID.
    public func dagSize(_ root: CID) throws -> Int {
        var seen = Set<CID>()
        var total = 0
        try DAGWalker(source: blocks).walk(from: [root], seen: &seen, readRawBlocks: false) { visit in
            if visit.cid.multihash.code == .identity { return }
            if let bytes = visit.bytes {
                total += bytes.count
            } else {
                total += try blocks.size(of: visit.cid.multihash) ?? 0
            }
        }
        return total
    }
}

extension Repo {
    /// Whether every block of the DAG under `root` is in the store.
    ///
    /// Raw leaves are only checked for presence; other blocks are read (and verified) to follow
    /// their links. A resumed run uses it to find results that a crash took with it (blocks are
    /// flushed once per run, so a power loss can lose the newest ones).
    ///
    /// - Throws: ``BlockStoreError/Code/corrupt`` for a block that does not match its CID (a
    ///   damaged store is for `repo verify`, not an absence), or an I/O error.
    public func hasComplete(_ root: CID) throws -> Bool {
        var seen = Set<CID>()
        do {
            try DAGWalker(source: blocks).walk(from: [root], seen: &seen, readRawBlocks: false) { _ in }
            return true
        } catch let error as BlockStoreError where error.code == .pinMissingBlock {
            return false
        }
    }
}
