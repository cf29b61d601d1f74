#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IPLD

/// What a CAR export wrote.
public struct CARExportSummary: Sendable, Equatable, Encodable {
    public let root: CID
    /// Blocks written (each once).
    public let blocks: Int
    /// Size of the CAR in bytes.
    public let bytes: Int
}

/// What a CAR import stored and pinned.
public struct CARImportSummary: Sendable, Equatable, Encodable {
    /// The roots the CAR's header names.
    public let roots: [CID]
    /// Sections read (duplicates included).
    public let blocks: Int
    /// Block files newly written (the others were already stored).
    public let newBlocks: Int
    /// Bytes of block data read.
    public let blockBytes: Int
    /// The pins created or confirmed (empty when importing without pinning).
    public let pins: [Pin]
}

extension Repo {
    // MARK: Export

    /// Writes the DAG under `root` to a CAR v1 file, as kubo's `ipfs dag export` does.
    ///
    /// Blocks come in depth-first order, links in order, each CID once; identity blocks are
    /// included as go-car does. Every block is re-hashed before it is written, so a CAR from Shoal
    /// never carries a corrupt block. The file is written next to `path` under a temporary name
    /// and renamed when complete: a failed export leaves no partial CAR behind. Only the blocks
    /// on the current path of the walk are in memory, plus the set of CIDs already written.
    ///
    /// - Throws: ``BlockStoreError/Code/notFound`` naming a missing block (and the block that
    ///   links to it), ``BlockStoreError/Code/corrupt``, ``BlockStoreError/Code/unsupportedCodec``,
    ///   or an I/O error naming the output file.
    @discardableResult
    public func exportCAR(root: CID, to path: String) throws -> CARExportSummary {
        // The temporary file sits in the output's folder, so the final rename cannot cross file systems.
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temp = folder + ".\(name).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var done = false
        defer { if !done { _ = try? SystemCall.removeFile(temp) } }
        let writer = try CARWriter(path: temp, roots: [root])
        let count = try exportCAR(root: root, into: writer)
        try writer.finish()
        _ = try SystemCall.retrying("rename", path) { rename(temp, path) }
        done = true
        return CARExportSummary(root: root, blocks: count, bytes: writer.bytesWritten)
    }

    /// Writes the blocks of the DAG under `root` to `writer` (whose header the caller chose),
    /// and returns how many it wrote. The caller finishes the writer.
    ///
    /// Holds the shared lock while it walks, so gc cannot remove blocks mid-export.
    public func exportCAR(root: CID, into writer: CARWriter) throws -> Int {
        try RepoLock.withLock(.shared, path: lockPath) {
            var seen = Set<CID>()
            var count = 0
            do {
                try DAGWalker(source: blocks).walk(from: [root], seen: &seen, readRawBlocks: true, missingCode: .notFound) { visit in
                    // `walk` verified the bytes against the CID before handing them over.
                    try writer.write(cid: visit.cid, bytes: visit.bytes!)
                    count += 1
                }
            } catch let error as BlockStoreError where error.code != .io {
                throw BlockStoreError(error.code, "cannot export \(root): \(error.message)")
            }
            return count
        }
    }

    // MARK: Import

    /// Imports a CAR v1 file: verifies every block against its CID, stores it, and pins the roots.
    ///
    /// See ``importCAR(from:pin:name:)`` (the streaming form) for the rules.
    @discardableResult
    public func importCAR(
        from path: String, pin: Bool = true, name: String? = nil, limits: CARReader.Limits = .init()
    ) throws -> CARImportSummary {
        try importCAR(from: try CARReader(path: path, limits: limits), pin: pin, name: name)
    }

    /// Imports a CAR v1 stream: verifies every block against its CID, stores it, and pins the roots.
    ///
    /// Blocks are streamed: each section is hashed and checked before it is written, and only one
    /// block is in memory at a time. After the last section every root must be in the store (from
    /// this CAR or from before); with `pin`, each root is then pinned recursively, which checks
    /// that its whole DAG is present. All of it happens in one write session, so gc cannot remove
    /// the new blocks before they are pinned.
    ///
    /// On any failure no pin is created or changed; blocks already written stay unpinned (gc
    /// removes them) and nothing stored before is touched, since writes never replace a block
    /// with different bytes.
    ///
    /// - Throws: ``BlockStoreError/Code/badCAR`` for malformed framing, a block that does not
    ///   match its CID (naming the CID and section), an unverifiable hash function, or a root
    ///   that is neither in the CAR nor in the store; ``BlockStoreError/Code/pinMissingBlock``
    ///   when a root's DAG is incomplete.
    @discardableResult
    public func importCAR(from reader: CARReader, pin: Bool = true, name: String? = nil) throws -> CARImportSummary {
        try write { writer in
            var sections = 0
            var newBlocks = 0
            var blockBytes = 0
            while let section = try reader.next() {
                let cid = section.cid
                let place = "section \(section.index) at byte \(section.offset)"
                switch cid.multihash.code {
                case .sha2_256, .identity:
                    break
                default:
                    throw BlockStoreError(.badCAR, "\(place): cannot verify block \(cid): unsupported hash function \(cid.multihash.code)")
                }
                guard cid.verifies(section.bytes) else {
                    throw BlockStoreError(.badCAR, "\(place): block \(cid) does not match its CID (bad hash)")
                }
                if try writer.store(Block(trusted: cid, bytes: section.bytes)) { newBlocks += 1 }
                sections += 1
                blockBytes += section.bytes.count
            }
            for root in reader.roots where try !writer.has(root) {
                throw BlockStoreError(.badCAR, "root \(root) is neither in the CAR nor in the store")
            }
            let pins = pin && !reader.roots.isEmpty ? try writer.pin(reader.roots, mode: .recursive, name: name) : []
            return CARImportSummary(roots: reader.roots, blocks: sections, newBlocks: newBlocks, blockBytes: blockBytes, pins: pins)
        }
    }
}
