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
