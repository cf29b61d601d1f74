import Foundation
import IPLD
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads UnixFS DAGs back out of a ``BlockSource``: `shoal cat`, `get`, `ls` and path resolution.
///
/// The source need not be trusted: every block is checked against its CID before it is used, and
/// a corrupt or missing block stops the operation with an error naming that block's CID. Files are
/// streamed piece by piece (never held whole), and a byte range reads only the blocks under it.
///
/// ```swift
/// let exporter = UnixFSExporter(source: store)
/// let cid = try exporter.resolve("bafy…/photos/2024/a.jpg")
/// try exporter.cat(cid, offset: 1024, length: 4096, to: STDOUT_FILENO)
/// for entry in try exporter.ls(try exporter.resolve("bafy…/photos")) { print(entry.name) }
/// try exporter.get(cid, to: "/tmp/out")
/// ```
public struct UnixFSExporter: Sendable {
    public let source: any BlockSource
    let fetcher: BlockFetcher

    public init(source: any BlockSource) {
        self.source = source
        self.fetcher = BlockFetcher(source: source)
    }

    // MARK: Inspecting

    /// What a CID names, from its root block alone.
    public func stat(_ cid: CID) throws -> UnixFSEntryInfo {
        UnixFSEntryInfo(cid: cid, node: try fetcher.node(cid))
    }

    /// The CID a UnixFS path names: `CID`, `CID/a/b`, `/ipfs/CID/a/b`.
    ///
    /// Paths go through plain and HAMT-sharded directories. `.` components are dropped and `..`
    /// removes the component before it (a `..` above the root CID is an error); empty components
    /// (`a//b`, a trailing `/`) are ignored. Symlinks are not followed.
    ///
    /// - Throws: ``UnixFSError/Code/notFound`` for a missing name, ``UnixFSError/Code/notADirectory``
    ///   when the path continues through a file or symlink, `IPLDError` for a malformed CID.
    public func resolve(_ path: String) throws -> CID {
        var rest = Substring(path)
        if rest.hasPrefix("/ipfs/") { rest = rest.dropFirst("/ipfs/".count) } else if rest.hasPrefix("/") { rest = rest.dropFirst() }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: true)
        guard let first = parts.first else { throw UnixFSError(.notFound, "'\(path)' names no CID") }
        var cid = try CID(first)
        var names: [Substring] = []
        for part in parts.dropFirst() {
            switch part {
            case ".": continue
            case "..":
                guard names.popLast() != nil else { throw UnixFSError(.notFound, "'\(path)' goes above its root CID with '..'") }
            default: names.append(part)
            }
        }
        let reader = DirectoryReader(fetcher: fetcher)
        var walked = String(first)
        for name in names {
            let node = try fetcher.node(cid)
            switch node {
            case .directory, .hamtShard:
                guard let entry = try reader.lookup(String(name), in: node, cid: cid) else {
                    throw UnixFSError(.notFound, "no entry named '\(name)' in '\(walked)' (\(cid))")
                }
                cid = entry.cid
            case .file, .symlink:
                let kind = UnixFSEntryInfo(cid: cid, node: node).kind
                throw UnixFSError(.notADirectory, "'\(walked)' is a \(kind), it has no entry '\(name)'")
            }
            walked += "/" + name
        }
        return cid
    }

    /// The entries of the directory `cid`: a plain directory's in link order (as the spec asks
    /// readers to keep it), a HAMT-sharded one's in name byte order (its link order is by hash).
    ///
    /// - Parameter resolveTypes: also fetch each entry's root block to report its kind and size
    ///   (`ipfs ls` does); without it only names, CIDs and DAG sizes are returned.
    /// - Throws: ``UnixFSError/Code/notADirectory`` when `cid` is a file or symlink.
    public func ls(_ cid: CID, resolveTypes: Bool = true) throws -> [UnixFSDirectoryEntry] {
        let node = try fetcher.node(cid)
        switch node {
        case .directory, .hamtShard: break
        case .file, .symlink:
            throw UnixFSError(.notADirectory, "\(cid) is a \(UnixFSEntryInfo(cid: cid, node: node).kind), not a directory")
        }
        return try list(node, cid: cid, resolveTypes: resolveTypes)
    }

    private func list(_ node: UnixFSNode, cid: CID, resolveTypes: Bool) throws -> [UnixFSDirectoryEntry] {
        var entries = try DirectoryReader(fetcher: fetcher).entries(of: node, cid: cid)
        if case .hamtShard = node { entries.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) } }
        return try entries.map { entry in
            let info = resolveTypes ? try stat(entry.cid) : nil
            return UnixFSDirectoryEntry(name: entry.name, cid: entry.cid, kind: info?.kind, size: info?.size, dagSize: entry.dagSize)
        }
    }

    // MARK: Reading files

    /// Calls `body` with consecutive pieces of the file `cid`, from `offset` for `length` bytes (to
    /// the end when `nil` or past the end).
    ///
    /// The pieces point into blocks being read; copy what you keep.
    ///
    /// - Throws: ``UnixFSError/Code/notAFile`` for a directory or symlink,
    ///   ``UnixFSError/Code/invalidRange`` when `offset` is past the end of the file.
    public func read(
        _ cid: CID, offset: UInt64 = 0, length: UInt64? = nil, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard case .file(let file) = try fetcher.node(cid) else {
            throw UnixFSError(.notAFile, "\(cid) is a \(try stat(cid).kind), not a file")
        }
        guard offset <= file.size else {
            throw UnixFSError(.invalidRange, "offset \(offset) is past the end of \(cid) (\(file.size) bytes)")
        }
        let end = length.map { offset + min($0, file.size - offset) } ?? file.size
        try FileReader(fetcher: fetcher).read(file, cid: cid, range: offset..<end, body)
    }

    /// Writes the file `cid` (or a range of it) to a file descriptor and returns the bytes written.
    @discardableResult
    public func cat(_ cid: CID, offset: UInt64 = 0, length: UInt64? = nil, to fd: Int32) throws -> UInt64 {
        let output = FileDescriptorWriter(fd: fd, path: "output")
        var written: UInt64 = 0
        try read(cid, offset: offset, length: length) { piece in
            try output.write(piece)
            written += UInt64(piece.count)
        }
        return written
    }

    /// The file `cid` (or a range of it) as one array: for small files and tests.
    public func bytes(_ cid: CID, offset: UInt64 = 0, length: UInt64? = nil) throws -> [UInt8] {
        var out: [UInt8] = []
        try read(cid, offset: offset, length: length) { out.append(contentsOf: $0) }
        return out
    }

    // MARK: Writing trees

    /// Writes the file, directory tree or symlink `cid` to `path`, which must not exist yet.
    ///
    /// Entry names that could escape `path` (`..`, `/`, NUL, empty) or clash (duplicates) are
    /// refused before their directory is written; see ``TreeWriter``.
    ///
    /// All or nothing: the tree is written under a hidden sibling name (`.NAME.partial-…`) and
    /// renamed to `path` only when complete, so a corrupt or missing block, a refused name or a
    /// full disk leaves nothing at `path` (the partial tree is removed).
    ///
    /// - Parameter progress: called with the total file bytes written so far.
    /// - Returns: the file bytes written.
    @discardableResult
    public func get(_ cid: CID, to path: String, progress: ((UInt64) -> Void)? = nil) throws -> UInt64 {
        let alreadyExists = UnixFSError(.alreadyExists, "'\(path)' already exists; choose a path that does not")
        if pathExists(path) { throw alreadyExists }
        let staging = Self.stagingPath(for: path)
        var writer = TreeWriter(fetcher: fetcher, progress: progress)
        do {
            try writer.write(cid, dirFD: AT_FDCWD, name: staging, path: path, depth: 0)
            // Checked again: rename(2) would replace a file or an empty folder made meanwhile.
            if pathExists(path) { throw alreadyExists }
            try systemCall("rename", path) { rename(staging, path) }
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        return writer.bytesWritten
    }

    /// A hidden name next to `path`, unique to this call, where ``get(_:to:progress:)`` builds
    /// the tree before renaming it into place (same folder, so the rename cannot cross devices).
    static func stagingPath(for path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        let slash = trimmed.lastIndex(of: "/")
        let folder = slash.map { String(trimmed[...$0]) } ?? ""
        let name = slash.map { String(trimmed[trimmed.index(after: $0)...]) } ?? String(trimmed)
        return "\(folder).\(name).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }
}
