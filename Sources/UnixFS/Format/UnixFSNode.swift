import IPLD

/// One UnixFS block, decoded for reading: what kind of node it is and what it holds.
///
/// A `raw` block is a whole file (or a leaf of one). A dag-pb block carries a ``UnixFSData``
/// message that says whether it is a file (or file part), a directory, a HAMT shard or a symlink.
/// Decoding checks what readers rely on: a file's `blocksizes` match its links one to one and add
/// up to its `filesize`; a HAMT shard names its hash function and a valid fanout; a symlink and a
/// file part carry no named links.
enum UnixFSNode {
    /// A file or file part: inline bytes (`dataRange` of `storage`), then the children's bytes.
    case file(FileNode)
    case directory(links: [PBLink])
    case hamtShard(HAMTShard)
    case symlink(target: [UInt8])

    struct FileNode {
        /// The buffer the inline bytes live in (the block of a raw leaf, the UnixFS message of a
        /// dag-pb node).
        let storage: [UInt8]
        /// Where the inline bytes are in `storage`.
        let dataRange: Range<Int>
        let children: [CID]
        let blocksizes: [UInt64]
        /// Inline bytes plus all children: the file size this node stands for.
        let size: UInt64
    }

    struct HAMTShard {
        let links: [PBLink]
        let geometry: HAMTGeometry
        let bitfield: [UInt8]
    }

    /// Decodes `bytes`, the verified block named `cid`.
    ///
    /// - Throws: ``UnixFSError/Code/invalidData`` naming the CID, or
    ///   ``UnixFSError/Code/unsupported`` for a codec UnixFS does not use.
    init(cid: CID, bytes: [UInt8]) throws {
        switch cid.codec {
        case .raw:
            self = .file(FileNode(storage: bytes, dataRange: bytes.indices, children: [], blocksizes: [],
                                  size: UInt64(bytes.count)))
            return
        case .dagPB:
            break
        default:
            throw UnixFSError(.unsupported, "block \(cid) is \(cid.codec), not a UnixFS node (dag-pb or raw)")
        }
        let node: PBNode
        do { node = try PBNode(decoding: bytes) } catch let error as IPLDError {
            throw UnixFSError.invalid(cid, error.message)
        }
        guard let data = node.data else { throw UnixFSError.invalid(cid, "dag-pb node without UnixFS Data") }
        let parsed: UnixFSData.Parsed
        do { parsed = try UnixFSData.Parsed(data, range: data.indices) } catch let error as UnixFSError {
            throw UnixFSError.invalid(cid, error.message)
        }
        let fields = parsed.fields
        switch fields.type {
        case .file, .raw:
            self = .file(try Self.fileNode(cid: cid, node: node, block: data, fields: fields, dataRange: parsed.dataRange))
        case .directory:
            self = .directory(links: node.links)
        case .hamtShard:
            guard fields.hashType == Murmur3.hashType else {
                throw UnixFSError.invalid(cid, "HAMT shard hash type \(fields.hashType.map { String($0) } ?? "absent") is not murmur3-x64-64 (0x22)")
            }
            guard let fanout = fields.fanout, fanout <= UInt64(ImportProfile.maxHAMTFanout) else {
                throw UnixFSError.invalid(cid, "HAMT shard without a valid fanout")
            }
            let geometry: HAMTGeometry
            do { geometry = try HAMTGeometry(fanout: Int(fanout)) } catch let error as UnixFSError {
                throw UnixFSError.invalid(cid, error.message)
            }
            let bitfield = parsed.dataRange.map { Array(data[$0]) } ?? []
            guard bitfield.count <= geometry.fanout / 8 else {
                throw UnixFSError.invalid(cid, "HAMT bitfield of \(bitfield.count) bytes is too long for fanout \(fanout)")
            }
            self = .hamtShard(HAMTShard(links: node.links, geometry: geometry, bitfield: bitfield))
        case .symlink:
            guard node.links.isEmpty else { throw UnixFSError.invalid(cid, "symlink with links") }
            self = .symlink(target: parsed.dataRange.map { Array(data[$0]) } ?? [])
        case .metadata:
            throw UnixFSError(.unsupported, "block \(cid) is a UnixFS metadata node, which Shoal does not read")
        }
    }

    private static func fileNode(
        cid: CID, node: PBNode, block: [UInt8], fields: UnixFSData, dataRange: Range<Int>?
    ) throws -> FileNode {
        guard fields.blocksizes.count == node.links.count else {
            throw UnixFSError.invalid(cid, "file has \(node.links.count) links but \(fields.blocksizes.count) blocksizes")
        }
        for link in node.links where !(link.name ?? "").isEmpty {
            throw UnixFSError.invalid(cid, "file part link has a name ('\(link.name!.prefix(40))')")
        }
        let range = dataRange ?? block.endIndex..<block.endIndex
        var size = UInt64(range.count)
        for blocksize in fields.blocksizes {
            let (sum, overflow) = size.addingReportingOverflow(blocksize)
            guard !overflow else { throw UnixFSError.invalid(cid, "blocksizes overflow 64 bits") }
            size = sum
        }
        if let filesize = fields.filesize, filesize != size {
            throw UnixFSError.invalid(cid, "filesize \(filesize) differs from its data and blocksizes (\(size))")
        }
        return FileNode(storage: block, dataRange: range, children: node.links.map(\.hash),
                        blocksizes: fields.blocksizes, size: size)
    }
}
