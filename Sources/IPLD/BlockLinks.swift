/// The CIDs a block links to, decoded according to its codec.
///
/// Pinning, garbage collection, CAR export and verification all walk DAGs through this one
/// function, so a codec Shoal learns is walked the same way everywhere.
public enum BlockLinks {
    /// The links in `bytes`, a block in `codec`, in the order they appear.
    ///
    /// Raw blocks have no links. dag-cbor and dag-json blocks are decoded strictly and their
    /// links (tag 42, `{"/": cid}`) returned in the order the block stores them. Identity CIDs
    /// are returned like any other link; callers that fetch blocks resolve them without storage.
    ///
    /// - Throws: the codec's decoding error when the block is malformed, and
    ///   ``IPLDError/Code/unsupportedValue`` for a codec Shoal cannot decode.
    public static func of(_ bytes: [UInt8], codec: Multicodec) throws -> [CID] {
        switch codec {
        case .raw, .json:
            return []
        case .dagPB:
            return try PBNode(decoding: bytes).links.map(\.hash)
        case .dagCBOR:
            return try DagCBOR.links(in: bytes)
        case .dagJSON:
            return try DagJSON.links(in: bytes)
        default:
            throw IPLDError(.unsupportedValue, "cannot read links of a \(codec) block")
        }
    }
}
