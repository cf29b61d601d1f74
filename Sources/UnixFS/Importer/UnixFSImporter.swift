import IPLD
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns files and directory trees into UnixFS DAGs, writing every block to a ``BlockSink`` and
/// returning the root CID: `shoal add`.
///
/// The CIDs are those kubo gives for the same bytes and the same ``ImportProfile``. Files are read
/// as a stream: memory stays flat however large a file is (one chunk, plus the links of the nodes
/// being filled). Directories are walked depth first, entries in byte order of their names, each
/// entry written before its directory (as `ipfs add` reports them).
///
/// ```swift
/// let importer = UnixFSImporter(profile: .cidV1, sink: DiscardingBlockSink())   // --only-hash
/// let result = try importer.importPath("photos", options: ImportOptions(recursive: true)) { bytes in
///     print("\(bytes) bytes read")
/// } onEntry: { entry in
///     print("added \(entry.cid) \(entry.path)")
/// }
/// ```
///
/// The import is synchronous and does blocking file I/O; run it off the cooperative thread pool
/// when that matters.
public struct UnixFSImporter: Sendable {
    public let profile: ImportProfile
    public let sink: any BlockSink

    public init(profile: ImportProfile = .shoalDefault, sink: any BlockSink) {
        self.profile = profile
        self.sink = sink
    }

    // MARK: Entry points

    /// Imports the file, directory or symlink at `path` (a symlink is stored as a symlink, not
    /// followed).
    ///
    /// - Parameters:
    ///   - options: recursion, hidden files, wrapping.
    ///   - progress: called after every chunk with the total file bytes read so far.
    ///   - onEntry: called for every file, directory and symlink written, children before parents.
    /// - Throws: ``UnixFSError`` naming the offending path: ``UnixFSError/Code/io`` for system call
    ///   failures, ``UnixFSError/Code/unsupported`` for a directory without `recursive`, a socket,
    ///   a device or a name that is not UTF-8, and errors of the sink.
    public func importPath(
        _ path: String, options: ImportOptions = ImportOptions(),
        progress: ((UInt64) -> Void)? = nil, onEntry: ((ImportedEntry) -> Void)? = nil
    ) throws -> ImportResult {
        try profile.validate()
        var walk = TreeWalk(importer: self, options: options, progress: progress, onEntry: onEntry)
        let name = try Self.displayName(of: path, wrapping: options.wrapWithDirectory)
        var info = stat()
        try systemCall("lstat", path) { lstat(path, &info) }
        var root = try walk.importEntry(at: path, dirFD: AT_FDCWD, name: path, display: name, info: info)
        if options.wrapWithDirectory {
            let entry = DirectoryBuilder.Entry(name: name, cid: root.cid, dagSize: root.dagSize, contentSize: root.size)
            let wrapper = try DirectoryBuilder(profile: profile, sink: sink).build([entry], path: path)
            root = ImportedEntry(path: "", cid: wrapper.cid, kind: .directory, size: wrapper.contentSize,
                                 dagSize: wrapper.dagSize)
            walk.report(root)
        }
        return ImportResult(root: root, bytesRead: walk.bytesRead, entryCount: walk.entryCount)
    }

    /// Imports one file read from `reader` (standard input, a pipe, an open file).
    ///
    /// - Parameters:
    ///   - progress: called after every chunk with the total bytes read so far.
    public func importFile<Reader: ByteReader>(
        from reader: Reader, progress: ((UInt64) -> Void)? = nil
    ) throws -> ImportedEntry {
        try profile.validate()
        var total: UInt64 = 0
        let link = try buildFile(reader) { n in
            total += UInt64(n)
            progress?(total)
        }
        return ImportedEntry(path: "", cid: link.cid, kind: .file, size: link.contentSize, dagSize: link.dagSize)
    }

    /// Imports bytes held in memory as one file.
    public func importBytes(_ bytes: [UInt8]) throws -> ImportedEntry {
        try importFile(from: MemoryReader(bytes))
    }

    // MARK: Building blocks

    /// Chunks `reader` and arranges the leaves in the profile's layout.
    func buildFile<Reader: ByteReader>(_ reader: Reader, onChunk: ((Int) -> Void)?) throws -> DAGLink {
        let chunker = profile.chunker.chunker(over: reader)
        switch profile.layout {
        case .balanced:
            var builder = DagBuilder(profile: profile, sink: sink, chunker: chunker, leafType: .file, onChunk: onChunk)
            return try BalancedLayout.build(&builder)
        case .trickle:
            var builder = DagBuilder(profile: profile, sink: sink, chunker: chunker, leafType: .raw, onChunk: onChunk)
            return try TrickleLayout.build(&builder)
        }
    }

    /// Writes a symlink node: `PBNode{Data: UnixFS{Type: Symlink, Data: target}}`.
    func buildSymlink(target: [UInt8]) throws -> DAGLink {
        let node = PBNode(data: UnixFSData(type: .symlink, data: target).encoded())
        let bytes = node.encoded()
        let cid = CID.sha256(bytes, codec: .dagPB, version: profile.cidVersion)
        try sink.put(Block(trusted: cid, bytes: bytes))
        return DAGLink(cid: cid, dagSize: UInt64(bytes.count), contentSize: UInt64(target.count))
    }

    /// The name an imported path is reported and wrapped under: its last component.
    static func displayName(of path: String, wrapping: Bool) throws -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        var name = trimmed.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? ""
        if name.isEmpty || name == "." || name == ".." {
            // `add -w .`: name the wrapped directory after where it really is.
            if let resolved = realpath(path, nil) {
                defer { free(resolved) }
                name = String(cString: resolved).split(separator: "/").last.map(String.init) ?? ""
            }
        }
        if wrapping && name.isEmpty {
            throw UnixFSError(.unsupported, "cannot wrap '\(path)': it has no name to wrap it under")
        }
        return name
    }
}
