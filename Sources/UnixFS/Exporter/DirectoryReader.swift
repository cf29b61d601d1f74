import IPLD

/// Reads the entries of plain and HAMT-sharded directories.
///
/// In a HAMT shard every link name starts with a bucket prefix (``HAMTGeometry/prefixWidth``
/// hexadecimal digits): a link named by the prefix alone is a sub-shard, any other link is an
/// entry whose name follows the prefix. Looking one name up hashes it and follows only the shards
/// on its path; listing walks every shard.
struct DirectoryReader {
    let fetcher: BlockFetcher

    /// One entry: a name and the CID and DAG size (`Tsize`) of what it names.
    struct Entry {
        let name: String
        let cid: CID
        let dagSize: UInt64?
    }

    /// The shards below a root, deeper than 64 hash bits allow, are rejected as malformed.
    static let maxShardDepth = 64

    /// Every entry of a directory node, in link order (for a HAMT, shard by shard).
    func entries(of node: UnixFSNode, cid: CID) throws -> [Entry] {
        switch node {
        case .directory(let links):
            return try links.map { link in
                guard let name = link.name else { throw UnixFSError.invalid(cid, "directory entry without a name") }
                return Entry(name: name, cid: link.hash, dagSize: link.tsize)
            }
        case .hamtShard(let shard):
            var out: [Entry] = []
            try collect(shard, cid: cid, depth: 0, into: &out)
            return out
        default:
            throw UnixFSError(.notADirectory, "\(cid) is not a directory")
        }
    }

    /// The entry called `name` in a directory node, or `nil`. In a plain directory with duplicate
    /// names the first wins, as the spec says.
    func lookup(_ name: String, in node: UnixFSNode, cid: CID) throws -> Entry? {
        switch node {
        case .directory(let links):
            guard let link = links.first(where: { $0.name.map { $0.utf8.elementsEqual(name.utf8) } ?? false }) else {
                return nil
            }
            return Entry(name: name, cid: link.hash, dagSize: link.tsize)
        case .hamtShard(let root):
            let hash = Murmur3.hash64(name.utf8)
            var shard = root
            var shardCID = cid
            for level in 0..<root.geometry.maxLevels {
                let prefix = shard.geometry.prefix(shard.geometry.bucket(ofHash: hash, level: level))
                var next: CID?
                for link in shard.links {
                    guard let linkName = link.name, linkName.utf8.starts(with: prefix.utf8) else { continue }
                    if linkName.utf8.count == prefix.utf8.count {
                        next = link.hash
                    } else if linkName.utf8.dropFirst(prefix.utf8.count).elementsEqual(name.utf8) {
                        return Entry(name: name, cid: link.hash, dagSize: link.tsize)
                    }
                }
                guard let next else { return nil }
                shard = try subShard(next, of: root.geometry, parent: shardCID)
                shardCID = next
            }
            return nil
        default:
            throw UnixFSError(.notADirectory, "\(cid) is not a directory")
        }
    }

    private func collect(_ shard: UnixFSNode.HAMTShard, cid: CID, depth: Int, into out: inout [Entry]) throws {
        guard depth < Self.maxShardDepth else { throw UnixFSError.invalid(cid, "HAMT deeper than \(Self.maxShardDepth) levels") }
        let width = shard.geometry.prefixWidth
        for link in shard.links {
            guard let name = link.name, name.utf8.count >= width,
                  let bucket = shard.geometry.bucket(ofPrefix: Substring(name.utf8.prefix(width))),
                  shard.geometry.isOccupied(bucket, in: shard.bitfield[...])
            else {
                throw UnixFSError.invalid(cid, "HAMT link name '\(link.name?.prefix(40) ?? "")' has no valid bucket prefix")
            }
            if name.utf8.count == width {
                let child = try subShard(link.hash, of: shard.geometry, parent: cid)
                try collect(child, cid: link.hash, depth: depth + 1, into: &out)
            } else {
                out.append(Entry(name: String(Substring(name.utf8.dropFirst(width))), cid: link.hash, dagSize: link.tsize))
            }
        }
    }

    private func subShard(_ cid: CID, of geometry: HAMTGeometry, parent: CID) throws -> UnixFSNode.HAMTShard {
        guard case .hamtShard(let shard) = try fetcher.node(cid) else {
            throw UnixFSError.invalid(cid, "HAMT shard \(parent) links to it as a sub-shard, but it is not one")
        }
        guard shard.geometry == geometry else {
            throw UnixFSError.invalid(cid, "sub-shard fanout \(shard.geometry.fanout) differs from its parent's \(geometry.fanout)")
        }
        return shard
    }
}
