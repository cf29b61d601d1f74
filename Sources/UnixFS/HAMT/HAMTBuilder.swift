import IPLD
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writes a directory as a HAMT-sharded directory (boxo `ipld/unixfs/hamt`), given all of its
/// entries at once.
///
/// Each name is hashed with ``Murmur3/hash64(_:)``; a shard puts every entry in the bucket named by
/// the next bits of its hash. A bucket with one entry links to it directly (named prefix + name);
/// a bucket with several holds a sub-shard one level down (named by the prefix alone). boxo
/// builds the same tree by inserting entries one at a time: for inserts only, the tree depends on
/// the set of entries, not on their order, so building it from the full set gives the same CIDs.
///
/// Every shard node is `PBNode{Links, Data: UnixFS{Type: HAMTShard, Data: bitfield,
/// hashType: 0x22, fanout}}` with links in bucket order.
struct HAMTBuilder {
    let geometry: HAMTGeometry
    let cidVersion: CID.Version
    let sink: any BlockSink

    private struct Entry {
        let link: DirectoryBuilder.Entry
        let hash: UInt64
    }

    /// Writes the shards for `entries` (unique names) and returns the root shard.
    func build(_ entries: [DirectoryBuilder.Entry]) throws -> DAGLink {
        let hashed = entries.map { Entry(link: $0, hash: Murmur3.hash64($0.name.utf8)) }
        return try shard(hashed, level: 0)
    }

    private func shard(_ entries: [Entry], level: Int) throws -> DAGLink {
        guard level < geometry.maxLevels else {
            let names = entries.prefix(2).map { "'\($0.link.name)'" }.joined(separator: " and ")
            throw UnixFSError(.unsupported, "names \(names) have the same 64-bit hash: the sharded directory would be too deep")
        }
        var buckets = [[Entry]](repeating: [], count: geometry.fanout)
        for entry in entries { buckets[geometry.bucket(ofHash: entry.hash, level: level)].append(entry) }

        var links: [PBLink] = []
        var occupied: [Int] = []
        var contentSize: UInt64 = 0
        for (index, bucket) in buckets.enumerated() where !bucket.isEmpty {
            occupied.append(index)
            let prefix = geometry.prefix(index)
            if bucket.count == 1, let only = bucket.first {
                links.append(PBLink(hash: only.link.cid, name: prefix + only.link.name, tsize: only.link.dagSize))
                contentSize += only.link.contentSize
            } else {
                let child = try shard(bucket, level: level + 1)
                links.append(PBLink(hash: child.cid, name: prefix, tsize: child.dagSize))
                contentSize += child.contentSize
            }
        }
        let data = UnixFSData(
            type: .hamtShard, data: geometry.bitfield(occupied),
            hashType: Murmur3.hashType, fanout: UInt64(geometry.fanout))
        let node = PBNode(links: links, data: data.encoded())
        let bytes = node.encoded()
        let cid = CID.sha256(bytes, codec: .dagPB, version: cidVersion)
        try sink.put(Block(trusted: cid, bytes: bytes))
        let dagSize = links.reduce(UInt64(bytes.count)) { $0 + ($1.tsize ?? 0) }
        return DAGLink(cid: cid, dagSize: dagSize, contentSize: contentSize)
    }
}
