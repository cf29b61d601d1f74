import IPLD

/// Checks a block received from a peer before anything relies on it: the CID's hash function
/// is allowed, its digest has a sane length, the block is within the size limit, and the bytes
/// hash to the CID.
///
/// The idea is boxo's `verifcid` (a hash allowlist and digest-size limits) plus the block-size
/// limit of the trustless gateway spec ("Clients SHOULD limit the maximum block size to 2MiB",
/// the bitswap limit; boxo's `httpnet.DefaultMaxBlockSize` is `2 << 20`). Shoal can only hash
/// sha2-256 (and identity, which is no hash: the bytes are the digest), so the allowlist is
/// those two; a block under any other hash function cannot be verified and is refused.
///
/// ```swift
/// let block = try BlockVerifier.standard.verify(cid, bytes)   // throws GatewayError(.badBlock)
/// ```
public struct BlockVerifier: Sendable, Hashable {
    /// Hash functions whose blocks are accepted.
    public var allowedHashes: Set<Multicodec>
    /// The shortest digest accepted for a real hash (boxo's `DefaultMinDigestSize`).
    public var minDigestLength: Int
    /// The longest digest accepted for a real hash (boxo's `DefaultMaxDigestSize`).
    public var maxDigestLength: Int
    /// The longest identity "digest" (inline data) accepted (boxo's `DefaultMaxIdentityDigestSize`).
    public var maxIdentityLength: Int
    /// The largest block accepted.
    public var maxBlockBytes: Int

    /// 2 MiB: the bitswap and trustless-gateway block limit.
    public static let defaultMaxBlockBytes = 2 << 20

    public init(
        allowedHashes: Set<Multicodec> = [.sha2_256, .identity], minDigestLength: Int = 20,
        maxDigestLength: Int = 128, maxIdentityLength: Int = Multihash.maxIdentityLength,
        maxBlockBytes: Int = BlockVerifier.defaultMaxBlockBytes
    ) {
        self.allowedHashes = allowedHashes
        self.minDigestLength = minDigestLength
        self.maxDigestLength = maxDigestLength
        self.maxIdentityLength = maxIdentityLength
        self.maxBlockBytes = maxBlockBytes
    }

    /// sha2-256 and identity, boxo's digest limits, 2 MiB blocks.
    public static let standard = BlockVerifier()

    /// Checks the CID alone: an allowed hash function and a digest length within the limits.
    ///
    /// - Throws: ``GatewayError/Code/badBlock`` naming the CID and the rule it breaks.
    public func check(_ cid: CID) throws(GatewayError) {
        let hash = cid.multihash
        guard allowedHashes.contains(hash.code) else {
            throw GatewayError(.badBlock, "block \(cid) uses hash function \(hash.code), which is not allowed (insecure or not verifiable here)")
        }
        let length = hash.digest.count
        if hash.code == .identity {
            guard length <= maxIdentityLength else {
                throw GatewayError(.badBlock, "identity CID \(cid.string.prefix(60))… inlines \(length) bytes, over the limit of \(maxIdentityLength)")
            }
            return
        }
        guard length >= minDigestLength else {
            throw GatewayError(.badBlock, "block \(cid) has a \(length)-byte digest, under the minimum of \(minDigestLength)")
        }
        guard length <= maxDigestLength else {
            throw GatewayError(.badBlock, "block \(cid) has a \(length)-byte digest, over the maximum of \(maxDigestLength)")
        }
    }

    /// Checks the CID, the block's size, and that `bytes` hash to `cid`; returns the block.
    ///
    /// - Throws: ``GatewayError/Code/tooLarge`` for a block over ``maxBlockBytes``;
    ///   ``GatewayError/Code/badBlock`` for a CID that ``check(_:)`` refuses or bytes that do
    ///   not match it.
    public func verify(_ cid: CID, _ bytes: [UInt8]) throws(GatewayError) -> Block {
        try check(cid)
        guard bytes.count <= maxBlockBytes else {
            throw GatewayError(.tooLarge, "block \(cid) is \(bytes.count) bytes, over the limit of \(maxBlockBytes)")
        }
        guard cid.verifies(bytes) else {
            throw GatewayError(.badBlock, "block \(cid) does not match its hash (corrupt or tampered with)")
        }
        return Block(trusted: cid, bytes: bytes)
    }
}
