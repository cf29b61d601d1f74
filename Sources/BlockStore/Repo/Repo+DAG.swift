import IPLD

extension Repo {
    /// Stores an IPLD value as one block and pins it: `shoal dag put`.
    ///
    /// Every link in `value` must already be in the store, so a pinned DAG is always complete
    /// (the recursive pin checks it, and nothing is stored under a pin that could not be made).
    ///
    /// - Parameters:
    ///   - codec: the block's codec, ``Multicodec/dagCBOR`` (default) or ``Multicodec/dagJSON``.
    /// - Returns: the block's CIDv1.
    @discardableResult
    public func putDAG(_ value: IPLDValue, codec: Multicodec = .dagCBOR, pin: Bool = true) throws -> CID {
        let block = try Block(encoding: value, codec: codec)
        return try write { writer in
            try writer.put(block)
            if pin { try writer.pin(block.cid) }
            return block.cid
        }
    }

    /// Reads one block and decodes it into the IPLD data model: `shoal dag get`.
    ///
    /// dag-cbor, dag-json and dag-pb blocks decode to their data-model form; a raw block is
    /// its bytes. The block is re-hashed against `cid` before it is decoded.
    ///
    /// - Throws: ``IPLDError/Code/hashMismatch`` for a corrupt block, the codec's error for a
    ///   malformed one, ``IPLDError/Code/blockNotFound`` for a missing one.
    public func getDAG(_ cid: CID) throws -> IPLDValue {
        let block = try Block(cid: cid, verifying: try self.block(cid))
        return try block.decoded()
    }
}
