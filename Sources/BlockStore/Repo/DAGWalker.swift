import IPLD

/// Walks a DAG in the store: depth-first, links in order, each CID once.
///
/// This is the order of kubo's `dag export` (go-car's selective traversal with
/// `TraverseLinksOnlyOnce`): a block, then the whole subtree of its first link, then of its second,
/// and so on, skipping any CID already visited. Pinning, gc and CAR export all walk through here,
/// and links are read with `BlockLinks.of`, so every codec IPLD learns is walked the same way.
///
/// A block read to find its links is always verified against its CID: a corrupt block would
/// otherwise yield wrong links, and gc would delete the real children. Raw blocks have no links,
/// so walks that only need to know *which* blocks are reachable never read them.
struct DAGWalker {
    let source: FlatFSBlockstore
    /// CIDs known to have no links without reading them (dag-pb leaves a write session just
    /// stored); like raw blocks, they are only checked for presence.
    var knownLeaves: Set<CID> = []

    /// What a visit is given.
    struct Visit {
        let cid: CID
        /// The block's bytes (verified), or `nil` for a raw block when the walk does not read leaves.
        let bytes: [UInt8]?
    }

    /// Visits every block reachable from `roots`, skipping CIDs in `seen` and adding the ones
    /// it visits.
    ///
    /// - Parameter readRawBlocks: read (and verify) raw blocks too; otherwise only check that
    ///   they exist when `requirePresence` is set.
    /// - Throws: ``BlockStoreError/Code/pinMissingBlock`` (with `missingCode` replaced by the
    ///   caller's code when given) for a block that is not in the store; ``BlockStoreError/Code/corrupt``
    ///   for a block that does not match its CID; ``BlockStoreError/Code/unsupportedCodec``.
    func walk(
        from roots: [CID], seen: inout Set<CID>, readRawBlocks: Bool, requirePresence: Bool = true,
        missingCode: BlockStoreError.Code = .pinMissingBlock, visit: (Visit) throws -> Void
    ) throws {
        // (cid, parent) pairs; children are pushed in reverse so they pop in link order.
        var stack: [(cid: CID, parent: CID?)] = roots.reversed().map { ($0, nil) }
        while let (cid, parent) = stack.popLast() {
            guard seen.insert(cid).inserted else { continue }
            if !readRawBlocks, cid.codec == .raw || knownLeaves.contains(cid) {
                if requirePresence, try !source.has(cid) { throw missing(cid, parent: parent, code: missingCode) }
                try visit(Visit(cid: cid, bytes: nil))
                continue
            }
            let bytes: [UInt8]
            do {
                bytes = try source.block(cid)
            } catch let error as IPLDError where error.code == .blockNotFound {
                throw missing(cid, parent: parent, code: missingCode)
            }
            guard cid.verifies(bytes) else {
                throw BlockStoreError(.corrupt, "block \(cid) in \(source.filePath(for: cid.multihash)) does not match its hash")
            }
            try visit(Visit(cid: cid, bytes: bytes))
            let links: [CID]
            do {
                links = try BlockLinks.of(bytes, codec: cid.codec)
            } catch let error as IPLDError where error.code == .unsupportedValue {
                throw BlockStoreError(.unsupportedCodec, "cannot follow the links of \(cid): \(error.message)")
            } catch let error as IPLDError {
                throw BlockStoreError(.corrupt, "block \(cid) cannot be decoded as \(cid.codec): \(error.message)")
            }
            for link in links.reversed() { stack.append((link, cid)) }
        }
    }

    /// Checks that every block reachable from `root` is present and intact (blocks in
    /// ``knownLeaves`` only for presence).
    func checkComplete(from root: CID) throws {
        var seen = Set<CID>()
        try walk(from: [root], seen: &seen, readRawBlocks: false) { _ in }
    }

    private func missing(_ cid: CID, parent: CID?, code: BlockStoreError.Code) -> BlockStoreError {
        if let parent {
            return BlockStoreError(code, "block \(cid) (linked from \(parent)) is not in the store")
        }
        return BlockStoreError(code, "block \(cid) is not in the store")
    }
}
