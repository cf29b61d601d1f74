import Synchronization

/// Something blocks can be read from: a local blockstore, a CAR file, a peer.
///
/// The seam between the formats that walk DAGs (UnixFS, CAR export, lineage) and the places
/// blocks live. Implementations return bytes whose hash matches the CID they were asked for,
/// or throw; callers that receive blocks from untrusted places verify them with
/// ``Block/init(cid:verifying:)`` first.
public protocol BlockSource: Sendable {
    /// The bytes of the block named `cid`.
    ///
    /// - Throws: ``IPLDError/Code/blockNotFound`` when the block is not available.
    func block(_ cid: CID) throws -> [UInt8]

    /// Whether the block named `cid` is available here.
    func has(_ cid: CID) throws -> Bool
}

/// Something blocks can be written to.
public protocol BlockSink: Sendable {
    /// Stores `block`. Storing a block that is already present is not an error.
    func put(_ block: Block) throws
}

extension IPLDError.Code {
    /// A block was asked for that is not available.
    public static let blockNotFound = IPLDError.Code(uncheckedName: "block not found")
}

extension IPLDError {
    /// The error a ``BlockSource`` throws for a block it does not have.
    public static func blockNotFound(_ cid: CID) -> IPLDError {
        IPLDError(.blockNotFound, "block \(cid) not found")
    }
}

/// Blocks held in memory: a ``BlockSource`` and ``BlockSink`` for tests and `--only-hash`.
public final class MemoryBlockstore: BlockSource, BlockSink {
    private let blocks = Mutex<[CID: [UInt8]]>([:])

    public init() {}

    public func block(_ cid: CID) throws -> [UInt8] {
        if cid.multihash.code == .identity { return cid.multihash.digest }
        guard let bytes = blocks.withLock({ $0[cid.v1] }) else { throw IPLDError.blockNotFound(cid) }
        return bytes
    }

    public func has(_ cid: CID) throws -> Bool {
        cid.multihash.code == .identity || blocks.withLock { $0[cid.v1] != nil }
    }

    public func put(_ block: Block) throws {
        blocks.withLock { $0[block.cid.v1] = block.bytes }
    }

    /// Removes a block (tests use this to simulate a missing block).
    public func remove(_ cid: CID) {
        _ = blocks.withLock { $0.removeValue(forKey: cid.v1) }
    }

    /// Replaces a block's bytes without re-hashing (tests use this to simulate corruption).
    public func corrupt(_ cid: CID, with bytes: [UInt8]) {
        blocks.withLock { $0[cid.v1] = bytes }
    }

    /// The number of blocks held.
    public var count: Int { blocks.withLock { $0.count } }

    /// Every CID held (as CIDv1).
    public var cids: [CID] { blocks.withLock { Array($0.keys) } }
}

/// A sink that keeps nothing: what `add --only-hash` writes to.
public struct DiscardingBlockSink: BlockSink {
    public init() {}
    public func put(_ block: Block) throws {}
}
