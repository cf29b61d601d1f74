import IPLD
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials  // [UInt8]: ContiguousBytes, for hashing arrays in place
#else
import Foundation
#endif

/// A finished node, as its parent links to it.
struct DAGLink: Sendable {
    let cid: CID
    /// The cumulative encoded size of the node's DAG (the dag-pb link's `Tsize`).
    let dagSize: UInt64
    /// The file bytes under the node: a file part's `blocksizes` entry; for a directory, the sum
    /// over the files inside it.
    let contentSize: UInt64
}

/// A file node being filled: its links and the matching `blocksizes`.
struct FileNodeBuilder {
    private(set) var links: [PBLink] = []
    private(set) var blocksizes: [UInt64] = []
    private(set) var contentSize: UInt64 = 0

    var count: Int { links.count }

    mutating func add(_ child: DAGLink) {
        // boxo writes an empty (present) Name on every file link.
        links.append(PBLink(hash: child.cid, name: "", tsize: child.dagSize))
        blocksizes.append(child.contentSize)
        contentSize += child.contentSize
    }
}

/// The shared machinery of the file layouts (boxo `importer/helpers/dagbuilder.go`): pulls
/// chunks, turns them into leaves, encodes file nodes, and writes every block to the sink.
///
/// It looks one leaf ahead so a layout can ask ``isDone()`` before taking the next leaf, as boxo's
/// `Done()`/`Next()` do. Memory stays flat: the builder holds one chunk at a time, and the layouts
/// hold only links (CID and sizes), at most ``ImportProfile/maxLinks`` per level of the tree.
struct DagBuilder<C: Chunker> {
    let profile: ImportProfile
    let sink: any BlockSink
    /// The UnixFS type of dag-pb leaves: `file` for balanced, `raw` for trickle (as boxo does).
    let leafType: UnixFSData.DataType
    private var chunker: C
    private var pending: DAGLink?
    private var exhausted = false
    /// Called with the size of every chunk read.
    private let onChunk: ((Int) -> Void)?

    init(profile: ImportProfile, sink: any BlockSink, chunker: C, leafType: UnixFSData.DataType,
         onChunk: ((Int) -> Void)?) {
        self.profile = profile
        self.sink = sink
        self.chunker = chunker
        self.leafType = leafType
        self.onChunk = onChunk
    }

    var maxLinks: Int { profile.maxLinks }

    /// Whether the input is used up (reads ahead one chunk to know).
    mutating func isDone() throws -> Bool {
        if pending != nil { return false }
        if exhausted { return true }
        pending = try readLeaf()
        if pending == nil { exhausted = true }
        return pending == nil
    }

    /// The next leaf. Call only after ``isDone()`` returned `false`.
    mutating func nextLeaf() throws -> DAGLink {
        guard try !isDone(), let leaf = pending else {
            preconditionFailure("nextLeaf() called after the end of the input")
        }
        pending = nil
        return leaf
    }

    /// Encodes, stores and links a filled file node.
    func commit(_ node: FileNodeBuilder) throws -> DAGLink {
        let data = UnixFSData(type: .file, filesize: node.contentSize, blocksizes: node.blocksizes)
        return try store(PBNode(links: node.links, data: data.encoded()), contentSize: node.contentSize)
    }

    /// The node of an empty file in the balanced layout: an empty raw block, or a dag-pb `file`
    /// node with size 0 and no `Data` field (boxo `NewLeafNode(nil, TFile)`).
    func emptyFile() throws -> DAGLink {
        if profile.rawLeaves { return try storeRaw([]) }
        let data = UnixFSData(type: .file, filesize: 0)
        return try store(PBNode(data: data.encoded()), contentSize: 0)
    }

    // MARK: Blocks

    private func store(_ node: PBNode, contentSize: UInt64) throws -> DAGLink {
        let bytes = node.encoded()
        let cid = CID.sha256(bytes, codec: .dagPB, version: profile.cidVersion)
        try sink.put(Block(trusted: cid, bytes: bytes))
        var dagSize = UInt64(bytes.count)
        for link in node.links { dagSize += link.tsize ?? 0 }
        return DAGLink(cid: cid, dagSize: dagSize, contentSize: contentSize)
    }

    private func storeRaw(_ bytes: [UInt8]) throws -> DAGLink {
        // Raw leaves are CIDv1 even in a CIDv0 import (boxo `NewRawNodeWPrefix` switches the codec).
        let cid = CID.sha256(bytes, codec: .raw, version: .v1)
        try sink.put(Block(trusted: cid, bytes: bytes))
        return DAGLink(cid: cid, dagSize: UInt64(bytes.count), contentSize: UInt64(bytes.count))
    }

    /// Reads one chunk straight into the block that will hold it and stores the leaf.
    private mutating func readLeaf() throws -> DAGLink? {
        let framing = profile.rawLeaves ? LeafFraming.raw : LeafFraming(dagPBLeafOf: leafType)
        let maxSize = chunker.maxChunkSize
        let headroom = framing.headerLength(forChunk: maxSize)
        var chunkSize = 0
        var bytes = try [UInt8](
            unsafeUninitializedCapacity: headroom + maxSize + framing.trailerLength(forChunk: maxSize)
        ) { buffer, count in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            chunkSize = try chunker.nextChunk(into: UnsafeMutableRawBufferPointer(rebasing: raw[headroom...]))
            count = chunkSize == 0 ? 0 : framing.frame(chunkOf: chunkSize, at: headroom, in: raw)
        }
        guard chunkSize > 0 else { return nil }
        onChunk?(chunkSize)
        if bytes.count < bytes.capacity / 2 {
            // A short last chunk: do not let the stored block pin a full chunk's worth of memory.
            bytes = [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
                _ = buffer.initialize(from: bytes)
                count = bytes.count
            }
        }
        if profile.rawLeaves { return try storeRaw(bytes) }
        let cid = CID.sha256(bytes, codec: .dagPB, version: profile.cidVersion)
        try sink.put(Block(trusted: cid, bytes: bytes))
        return DAGLink(cid: cid, dagSize: UInt64(bytes.count), contentSize: UInt64(chunkSize))
    }
}

/// The bytes around a chunk that make it a leaf block.
///
/// A raw leaf is the chunk itself. A dag-pb leaf is
/// `PBNode{Data: UnixFS{Type, Data: chunk, filesize: n}}`, which on the wire is a header
/// (`0a len 08 type 12 n`), the chunk, and a trailer (`18 n`). The chunk is read into the block
/// at the header's largest size; a shorter last chunk is moved down over the unused bytes.
struct LeafFraming {
    /// `nil` for raw leaves.
    let type: UnixFSData.DataType?

    static let raw = LeafFraming(type: nil)

    init(dagPBLeafOf type: UnixFSData.DataType) { self.type = type }
    private init(type: UnixFSData.DataType?) { self.type = type }

    /// The UnixFS message length for a chunk of `n` bytes: Type (2 bytes), Data, filesize.
    private func innerLength(_ n: Int) -> Int {
        2 + 1 + Varint.encodedLength(UInt64(n)) + n + 1 + Varint.encodedLength(UInt64(n))
    }

    func headerLength(forChunk n: Int) -> Int {
        guard type != nil else { return 0 }
        return 1 + Varint.encodedLength(UInt64(innerLength(n))) + 3 + Varint.encodedLength(UInt64(n))
    }

    func trailerLength(forChunk n: Int) -> Int {
        type == nil ? 0 : 1 + Varint.encodedLength(UInt64(n))
    }

    /// Writes the header and trailer around a chunk of `n` bytes read at `offset` in `block`,
    /// moving the chunk down if its header is shorter, and returns the block's length.
    func frame(chunkOf n: Int, at offset: Int, in block: UnsafeMutableRawBufferPointer) -> Int {
        guard let type else { return n }
        var header: [UInt8] = [0x0a]
        Varint.append(UInt64(innerLength(n)), to: &header)
        header += [0x08, UInt8(type.rawValue), 0x12]
        Varint.append(UInt64(n), to: &header)
        let base = block.baseAddress!
        if header.count != offset {
            memmove(base + header.count, base + offset, n)  // regions overlap
        }
        header.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        var trailer: [UInt8] = [0x18]
        Varint.append(UInt64(n), to: &trailer)
        trailer.withUnsafeBytes { (base + header.count + n).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return header.count + n + trailer.count
    }
}
