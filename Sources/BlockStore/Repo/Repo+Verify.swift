import IPLD

/// What `repo verify` found. Nothing is changed or deleted by verifying.
public struct VerifyReport: Sendable, Equatable {
    /// A block named by its multihash, the CID it was indexed as (raw when unknown), and its file.
    public struct Problem: Sendable, Hashable {
        public let multihash: Multihash
        public let cid: CID
        public let path: String
    }

    /// Block files re-hashed.
    public var checkedBlocks: Int
    /// Bytes re-hashed.
    public var checkedBytes: Int
    /// Files whose bytes do not hash to the multihash in their name.
    public var corrupt: [Problem]
    /// Blocks the index lists whose file is gone.
    public var missing: [Problem]
    /// Block files the index does not list (left by an interrupted write; gc removes them unless pinned).
    public var orphans: [Problem]
    /// Block files named with a hash function Shoal cannot compute, so not checked.
    public var unverifiable: [Problem]
    /// Leftover temporary files from interrupted writes (gc removes them).
    public var temporaryFiles: [String]
    /// Files in the block folders that this store did not write (never touched).
    public var unknownFiles: [String]

    /// Whether every block is intact and the index matches the files.
    public var isHealthy: Bool { corrupt.isEmpty && missing.isEmpty && orphans.isEmpty }
}

extension Repo {
    /// Re-hashes every stored block and compares the block index with the files.
    ///
    /// Reports corrupt blocks (hash mismatch), missing blocks (indexed, no file), orphan files
    /// (not indexed), and leftovers; it never deletes or rewrites anything.
    ///
    /// Re-hashing, the long part, holds the shared lock (adds may go on; gc waits). The
    /// comparison of index and files takes the exclusive lock briefly, so that a write session
    /// between writing a file and indexing it is not mistaken for an orphan. Like gc, do not call
    /// it inside a ``write(wait:_:)`` session.
    public func verify(wait: Bool = true) throws -> VerifyReport {
        var report = VerifyReport(
            checkedBlocks: 0, checkedBytes: 0, corrupt: [], missing: [], orphans: [], unverifiable: [],
            temporaryFiles: [], unknownFiles: [])
        let indexForNames = try database.indexedBlocks()
        func problem(_ multihash: Multihash, _ path: String) -> VerifyReport.Problem {
            let codec = indexForNames[multihash]?.codec ?? .raw
            return .init(multihash: multihash, cid: CID(codec: codec, multihash: multihash), path: path)
        }
        try RepoLock.withLock(.shared, path: lockPath, wait: wait) {
            // One buffer for every file: verifying a large repository allocates nothing per block.
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            try blocks.forEachEntry { entry in
                guard case .block(let multihash) = entry.kind else { return }
                guard multihash.code == .sha2_256 else {
                    report.unverifiable.append(problem(multihash, entry.path))
                    return
                }
                // A file removed since the listing (it cannot be: gc is excluded) is skipped.
                guard let length = try SystemCall.readFile(entry.path, into: &buffer) else { return }
                report.checkedBlocks += 1
                report.checkedBytes += length
                let intact = buffer.withUnsafeBytes { multihash.matches(UnsafeRawBufferPointer(rebasing: $0[..<length])) }
                if !intact { report.corrupt.append(problem(multihash, entry.path)) }
            }
        }
        try RepoLock.withLock(.exclusive, path: lockPath, wait: wait) {
            let index = try database.indexedBlocks()
            var onDisk = Set<Multihash>()
            try blocks.forEachEntry { entry in
                switch entry.kind {
                case .block(let multihash):
                    onDisk.insert(multihash)
                    if index[multihash] == nil { report.orphans.append(problem(multihash, entry.path)) }
                case .temporary:
                    report.temporaryFiles.append(entry.path)
                case .unknown:
                    report.unknownFiles.append(entry.path)
                }
            }
            for multihash in index.keys where !onDisk.contains(multihash) {
                report.missing.append(problem(multihash, blocks.filePath(for: multihash)))
            }
        }
        report.corrupt.sort { $0.path < $1.path }
        report.missing.sort { $0.path < $1.path }
        report.orphans.sort { $0.path < $1.path }
        report.temporaryFiles.sort()
        report.unknownFiles.sort()
        return report
    }
}
