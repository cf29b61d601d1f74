import IPLD
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writes a directory node from its finished entries: a plain UnixFS directory, or a HAMT-sharded
/// one when it is too big (the same rule as kubo v0.22 / boxo v0.11 `io.DynamicDirectory`).
///
/// A plain directory is `PBNode{Links sorted by name bytes, Data: UnixFS{Type: Directory}}`.
/// boxo switches to a HAMT when its running size estimate, the sum over entries of the name's
/// byte length plus the CID's byte length, reaches ``ImportProfile/hamtShardingThreshold``. An
/// import only adds entries, so the estimate only grows, and the outcome depends only on the
/// final set of entries.
struct DirectoryBuilder {
    /// One directory entry: a name and the node it links to.
    struct Entry {
        let name: String
        let cid: CID
        let dagSize: UInt64
        let contentSize: UInt64
    }

    let profile: ImportProfile
    let sink: any BlockSink

    /// Writes the directory and returns a link to it.
    ///
    /// - Throws: ``UnixFSError/Code/unsupported`` for two entries with the same name.
    func build(_ entries: [Entry], path: String) throws -> DAGLink {
        // Byte order, as Go compares strings (Swift's String order is by Unicode scalars with
        // canonical equivalence, which would merge NFC and NFD spellings of a name).
        let sorted = entries.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.name.utf8.elementsEqual(b.name.utf8) {
            throw UnixFSError(.unsupported, "'\(path)' has two entries named '\(a.name)'")
        }
        if shouldShard(sorted) {
            let geometry = try HAMTGeometry(fanout: profile.hamtFanout)
            return try HAMTBuilder(geometry: geometry, cidVersion: profile.cidVersion, sink: sink).build(sorted)
        }
        let links = sorted.map { PBLink(hash: $0.cid, name: $0.name, tsize: $0.dagSize) }
        let node = PBNode(links: links, data: UnixFSData(type: .directory).encoded())
        let bytes = node.encoded()
        let cid = CID.sha256(bytes, codec: .dagPB, version: profile.cidVersion)
        try sink.put(Block(trusted: cid, bytes: bytes))
        let dagSize = sorted.reduce(UInt64(bytes.count)) { $0 + $1.dagSize }
        let contentSize = sorted.reduce(UInt64(0)) { $0 + $1.contentSize }
        return DAGLink(cid: cid, dagSize: dagSize, contentSize: contentSize)
    }

    /// boxo `BasicDirectory.needsToSwitchToHAMTDir` over the whole directory.
    func shouldShard(_ entries: [Entry]) -> Bool {
        guard profile.hamtShardingThreshold > 0 else { return false }
        var estimate = 0
        for entry in entries {
            estimate += entry.name.utf8.count + entry.cid.bytes.count
            if estimate >= profile.hamtShardingThreshold { return true }
        }
        return false
    }
}
