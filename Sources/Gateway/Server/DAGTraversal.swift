import IPLD
import UnixFS

/// Walks the DAG under a root one block at a time, for a CAR stream: depth-first, links in
/// order, each CID once unless duplicates are asked for.
///
/// The order is the one of kubo's `dag export` and of ``BlockStore/Repo/exportCAR(root:to:)``
/// (a block, then the whole subtree of its first link, then of its second…), so a gateway CAR of
/// a DAG without identity blocks is byte-for-byte that export. It is an iterator rather than a
/// closure walk because the caller awaits between blocks (it writes each one to a socket).
///
/// Every block is verified against its CID before it is returned, so a gateway never sends a
/// block its store has corrupted. Identity blocks are walked through but not returned: the
/// trustless gateway spec forbids them in CAR responses (their bytes are in the CID). A block
/// the ``GatewayAccessPolicy`` refuses is neither returned nor descended into.
///
/// How far the walk goes below each block is its ``Expansion``: the whole subtree, nothing, the
/// shards of a HAMT directory, or the blocks of a byte range of a UnixFS file. The root's
/// expansion comes from the request's ``DAGScope`` (see ``expansion(for:scope:range:)``).
struct DAGTraversal {
    /// What the walk takes below a block.
    enum Expansion: Hashable {
        /// Nothing: the block alone.
        case none
        /// Every block it reaches.
        case all
        /// The child shards of a UnixFS HAMT directory (links whose names are just the
        /// `nameLength` hex digits of a bucket), not its entries.
        case hamt(nameLength: Int)
        /// The blocks of a UnixFS file that hold the bytes in `range` (offsets within this node).
        case fileRange(ClosedRange<UInt64>)
    }

    private struct Pending {
        let cid: CID
        let expansion: Expansion
        let parent: CID?
    }

    let source: any BlockSource
    let policy: (any GatewayAccessPolicy)?
    let duplicates: Bool
    /// Skip missing blocks (recording them in ``skippedMissing``) instead of failing.
    let tolerateMissing: Bool

    private var stack: [Pending] = []
    private var seen: Set<CID> = []
    private var first: Block?
    /// Blocks the store lacked (with ``tolerateMissing``).
    private(set) var skippedMissing: [CID] = []

    init(source: any BlockSource, policy: (any GatewayAccessPolicy)? = nil, duplicates: Bool = false, tolerateMissing: Bool = false) {
        self.source = source
        self.policy = policy
        self.duplicates = duplicates
        self.tolerateMissing = tolerateMissing
    }

    /// Reads and verifies `root` and plans the walk below it; ``next()`` returns it first.
    ///
    /// - Throws: ``GatewayError/Code/notFound`` when the root is not held (or the policy
    ///   refuses it), ``GatewayError/Code/storage`` when it is corrupt,
    ///   ``GatewayError/Code/notAcceptable`` when its links cannot be read.
    mutating func start(root: CID, expansion: Expansion) throws(GatewayError) {
        if let policy, root.multihash.code != .identity, !policy.allows(root) { throw Self.notServed(root) }
        guard let bytes = try read(root, parent: nil) else { throw Self.notServed(root) }
        try start(root: Block(trusted: root, bytes: bytes), expansion: expansion)
    }

    /// Plans the walk below a root the caller already read and verified.
    mutating func start(root: Block, expansion: Expansion) throws(GatewayError) {
        stack = try children(of: root.cid, root.bytes, expansion).reversed()
        seen = [root.cid]
        first = root.cid.multihash.code == .identity ? nil : root
    }

    /// The next block, verified; `nil` when the walk is done.
    ///
    /// - Throws: ``GatewayError/Code/notFound`` for a block the store lacks (the stream must
    ///   end: the DAG cannot be completed from here), ``GatewayError/Code/storage`` for a
    ///   corrupt or unreadable one.
    mutating func next() throws(GatewayError) -> Block? {
        if let block = first {
            first = nil
            return block
        }
        while let item = stack.popLast() {
            if !duplicates { guard seen.insert(item.cid).inserted else { continue } }
            let identity = item.cid.multihash.code == .identity
            if let policy, !identity, !policy.allows(item.cid) { continue }
            guard let bytes = try read(item.cid, parent: item.parent) else { continue }
            try stack.append(contentsOf: children(of: item.cid, bytes, item.expansion).reversed())
            if identity { continue }
            return Block(trusted: item.cid, bytes: bytes)
        }
        return nil
    }

    // MARK: Reading

    /// The verified bytes of `cid`, or `nil` when it is missing and missing blocks are tolerated.
    private mutating func read(_ cid: CID, parent: CID?) throws(GatewayError) -> [UInt8]? {
        if cid.multihash.code == .identity { return cid.multihash.digest }
        let bytes: [UInt8]
        do {
            bytes = try source.block(cid)
        } catch let error as IPLDError where error.code == .blockNotFound {
            if tolerateMissing {
                skippedMissing.append(cid)
                return nil
            }
            throw parent.map { GatewayError(.notFound, "block \(cid) (linked from \($0)) is not held here") } ?? Self.notServed(cid)
        } catch {
            throw GatewayError(.storage, "cannot read block \(cid): \(error)")
        }
        guard cid.verifies(bytes) else {
            throw GatewayError(.storage, "stored block \(cid) does not match its hash; not served")
        }
        return bytes
    }

    /// The children of a block to visit under `expansion`, in link order.
    private func children(of cid: CID, _ bytes: [UInt8], _ expansion: Expansion) throws(GatewayError) -> [Pending] {
        switch expansion {
        case .none:
            return []
        case .all:
            return try Self.links(of: cid, bytes).map { Pending(cid: $0, expansion: .all, parent: cid) }
        case .hamt(let nameLength):
            guard cid.codec == .dagPB, let node = try? PBNode(decoding: bytes) else { return [] }
            return node.links.filter { $0.name?.utf8.count == nameLength }.map { Pending(cid: $0.hash, expansion: expansion, parent: cid) }
        case .fileRange(let range):
            return fileChildren(of: cid, bytes, range: range)
        }
    }

    /// The children of a UnixFS file node whose bytes overlap `range`, each with its part of it.
    private func fileChildren(of cid: CID, _ bytes: [UInt8], range: ClosedRange<UInt64>) -> [Pending] {
        guard cid.codec == .dagPB, let node = try? PBNode(decoding: bytes), !node.links.isEmpty else { return [] }
        guard let data = try? UnixFSData(decoding: node.data ?? []), data.blocksizes.count == node.links.count else {
            // Not a well-formed file node: send everything below it rather than guess.
            return node.links.map { Pending(cid: $0.hash, expansion: .all, parent: cid) }
        }
        var children: [Pending] = []
        var offset = UInt64(data.data?.count ?? 0)
        for (link, size) in zip(node.links, data.blocksizes) {
            defer { offset &+= size }
            guard size > 0 else { continue }
            let end = offset &+ size - 1
            guard end >= range.lowerBound, offset <= range.upperBound else { continue }
            let lower = max(range.lowerBound, offset) - offset
            let upper = min(range.upperBound, end) - offset
            children.append(Pending(cid: link.hash, expansion: .fileRange(lower...upper), parent: cid))
        }
        return children
    }

    /// The links of a verified block.
    static func links(of cid: CID, _ bytes: [UInt8]) throws(GatewayError) -> [CID] {
        do {
            return try BlockLinks.of(bytes, codec: cid.codec)
        } catch let error as IPLDError where error.code == .unsupportedValue {
            throw GatewayError(.notAcceptable, "cannot walk the links of \(cid): \(error.message); ask for dag-scope=block")
        } catch {
            throw GatewayError(.storage, "block \(cid) cannot be decoded as \(cid.codec): \(error)")
        }
    }

    // MARK: Planning

    /// The expansion of a root for a scope: `all` and `block` directly; `entity` by what the
    /// root is (a UnixFS file: all of it or the blocks of `range`; a HAMT directory: its shards;
    /// anything else: the block alone).
    ///
    /// - Throws: ``GatewayError/Code/badRequest`` when `range` starts beyond the end of the file.
    static func expansion(for root: Block, scope: DAGScope, range: EntityBytes?) throws(GatewayError) -> Expansion {
        switch scope {
        case .all: return .all
        case .block: return .none
        case .entity: break
        }
        let cid = root.cid
        if cid.codec == .raw {
            if let range { try checkRange(range, size: UInt64(root.bytes.count), cid: cid) }
            return .none
        }
        guard cid.codec == .dagPB, let node = try? PBNode(decoding: root.bytes),
              let data = try? UnixFSData(decoding: node.data ?? [])
        else { return .none }
        switch data.type {
        case .file, .raw:
            guard let range else { return .all }
            let size = data.filesize ?? data.blocksizes.reduce(UInt64(data.data?.count ?? 0), &+)
            try checkRange(range, size: size, cid: cid)
            // A zero-length selection is answered like dag-scope=block (the spec's rule).
            return range.resolved(size: size).map { .fileRange($0) } ?? .none
        case .hamtShard:
            let fanout = max(data.fanout ?? 256, 2)
            return .hamt(nameLength: String(fanout - 1, radix: 16).count)
        case .directory, .symlink, .metadata:
            return .none
        }
    }

    private static func checkRange(_ range: EntityBytes, size: UInt64, cid: CID) throws(GatewayError) {
        if size > 0, range.from >= 0, UInt64(range.from) >= size {
            throw GatewayError(.badRequest, "entity-bytes \(range.text) starts beyond the end of \(cid) (\(size) bytes)")
        }
    }

    private static func notServed(_ cid: CID) -> GatewayError {
        GatewayError(.notFound, "block \(cid) is not served here")
    }
}
