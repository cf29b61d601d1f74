/// A block: bytes and the CID that names them.
///
/// The initializers that compute the CID guarantee that the two agree; ``init(cid:verifying:)``
/// checks a block received from elsewhere before anyone relies on it.
public struct Block: Sendable, Hashable {
    public let cid: CID
    public let bytes: [UInt8]

    /// Hashes `bytes` (sha2-256) and names them with a CID of the given codec and version.
    public init(bytes: [UInt8], codec: Multicodec, version: CID.Version = .v1) {
        self.cid = CID.sha256(bytes, codec: codec, version: version)
        self.bytes = bytes
    }

    /// Pairs `bytes` with a CID after checking that they hash to it.
    ///
    /// - Throws: ``IPLDError/Code/hashMismatch`` when they do not.
    public init(cid: CID, verifying bytes: [UInt8]) throws {
        guard cid.verifies(bytes) else {
            throw IPLDError(.hashMismatch, "block does not hash to \(cid)")
        }
        self.cid = cid
        self.bytes = bytes
    }

    /// Pairs a CID and bytes that the caller already knows to agree (it just hashed them).
    public init(trusted cid: CID, bytes: [UInt8]) {
        self.cid = cid
        self.bytes = bytes
    }
}
