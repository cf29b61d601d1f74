#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IPLD
import Synchronization

/// Blocks stored one file per block, in the folder layout of kubo's flatfs datastore.
///
/// Files are named by the block's multihash (see ``FlatFSKey``), so CIDs that differ only in
/// version or codec share storage. A write goes to a temporary file (`.tmp-…`) in the block's
/// shard folder and is renamed into place, so a reader, or a process that starts after a crash,
/// sees either no file or the whole block, never part of one. Leftover temporary files are
/// ignored by every read and listing, and removed by ``removeTemporaryFiles()`` when no writer
/// can be active (``Repo`` does it during gc, under its exclusive lock).
///
/// Identity CIDs are never stored: their "digest" is the block, answered from the CID itself.
///
/// This type only moves bytes. It does not know about pins or the block index; use ``Repo``,
/// which adds both and the locking that makes gc safe with concurrent writers.
///
/// ```swift
/// let store = try FlatFSBlockstore(path: "/tmp/blocks", options: .init(sync: .file, verifyOnRead: true))
/// try store.put(Block(bytes: Array("hello".utf8), codec: .raw))
/// ```
public final class FlatFSBlockstore: BlockSource, BlockSink, Sendable {
    /// What a write flushes to disk before it returns.
    public enum SyncPolicy: String, Sendable, CaseIterable, Codable {
        /// Nothing: fastest; a power loss may lose recent blocks (never tear one: the rename is
        /// atomic, but the renamed file may be empty after a crash on some file systems).
        case none
        /// `fsync` the block file before the rename: the bytes are durable once renamed.
        case file
        /// `fsync` the file, then its shard folder after the rename: the name is durable too.
        /// This is what kubo's flatfs does with `"sync": true`.
        case fileAndDirectory
    }

    /// How the store reads and writes.
    public struct Options: Sendable, Equatable {
        /// What each write flushes to disk.
        public var sync: SyncPolicy
        /// Re-hash every block read through ``block(_:)`` and throw
        /// ``BlockStoreError/Code/corrupt`` when it does not match its CID.
        public var verifyOnRead: Bool

        public init(sync: SyncPolicy = .none, verifyOnRead: Bool = false) {
            self.sync = sync
            self.verifyOnRead = verifyOnRead
        }
    }

    /// The store's root folder (kubo's `blocks/`).
    public let path: String
    public let options: Options

    /// Makes temporary names unique within this process; the pid makes them unique across processes.
    private let tempCounter = Atomic<UInt64>(0)
    /// Shares one `syncfs` between concurrent ``synchronize()`` calls.
    private let flushes = FlushGroup()

    /// Opens the store at `path`, creating the folder and its `SHARDING` file when absent.
    ///
    /// - Throws: ``BlockStoreError/Code/badRepo`` when the folder's `SHARDING` file names another
    ///   sharding function (its files would not be found), ``BlockStoreError/Code/io`` when the
    ///   folder cannot be created.
    public init(path: String, options: Options = Options()) throws {
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        self.options = options
        try SystemCall.makeDirectories(self.path)
        try Self.checkSharding(in: self.path)
    }

    private static func checkSharding(in root: String) throws {
        let shardingPath = root + "/SHARDING"
        if let existing = try SystemCall.readFile(shardingPath) {
            let text = String(decoding: existing, as: UTF8.self).trimmingWhitespace
            guard text == FlatFSKey.shardingDescriptor else {
                throw BlockStoreError(.badRepo, "\(shardingPath) says '\(text)'; only \(FlatFSKey.shardingDescriptor) is supported")
            }
            return
        }
        // Written atomically so a concurrent opener never reads a half-written file.
        let bytes = Array((FlatFSKey.shardingDescriptor + "\n").utf8)
        try bytes.withUnsafeBytes { try writeFileAtomically($0, to: shardingPath, directory: root, sync: .none, tag: 0) }
    }

    // MARK: Paths

    /// The absolute path of the file that holds (or would hold) `multihash`.
    public func filePath(for multihash: Multihash) -> String {
        path + "/" + FlatFSKey.relativePath(for: multihash)
    }

    // MARK: Reading

    /// The bytes of the block named `cid`.
    ///
    /// - Throws: ``IPLDError/Code/blockNotFound`` (the ``BlockSource`` contract) when absent;
    ///   ``BlockStoreError/Code/corrupt`` when ``Options/verifyOnRead`` is set and the bytes do
    ///   not match; ``BlockStoreError/Code/io`` when the file cannot be read.
    public func block(_ cid: CID) throws -> [UInt8] {
        if cid.multihash.code == .identity { return cid.multihash.digest }
        guard let bytes = try bytes(of: cid.multihash) else { throw IPLDError.blockNotFound(cid) }
        if options.verifyOnRead, !cid.verifies(bytes) {
            throw BlockStoreError(.corrupt, "block \(cid) in \(filePath(for: cid.multihash)) does not match its hash")
        }
        return bytes
    }

    public func has(_ cid: CID) throws -> Bool {
        if cid.multihash.code == .identity { return true }
        return try SystemCall.fileSize(filePath(for: cid.multihash)) != nil
    }

    /// The stored bytes for `multihash` as they are on disk (not verified), or `nil` when absent.
    public func bytes(of multihash: Multihash) throws -> [UInt8]? {
        try SystemCall.readFile(filePath(for: multihash))
    }

    /// The size in bytes of the stored block, or `nil` when absent.
    public func size(of multihash: Multihash) throws -> Int? {
        if multihash.code == .identity { return multihash.digest.count }
        return try SystemCall.fileSize(filePath(for: multihash))
    }

    // MARK: Writing

    public func put(_ block: Block) throws {
        try write(block)
    }

    /// Stores `block` unless an intact-looking copy (same size) is already there.
    ///
    /// A file of the wrong size (truncated or overwritten) is replaced, so adding the same data
    /// again repairs it. Identity blocks are not stored.
    ///
    /// - Returns: whether a file was written.
    @discardableResult
    public func write(_ block: Block) throws -> Bool {
        let multihash = block.cid.multihash
        if multihash.code == .identity { return false }
        let relative = FlatFSKey.relativePath(for: multihash)
        let destination = path + "/" + relative
        if let existing = try SystemCall.fileSize(destination), existing == block.bytes.count { return false }
        let shardFolder = path + "/" + relative.prefix(while: { $0 != "/" })
        let tag = tempCounter.wrappingAdd(1, ordering: .relaxed).newValue
        try block.bytes.withUnsafeBytes { bytes in
            try Self.writeFileAtomically(bytes, to: destination, directory: shardFolder, sync: options.sync, tag: tag,
                                         parentOfDirectory: path)
        }
        return true
    }

    /// Writes `bytes` to a fresh temporary file in `directory`, flushes it as `sync` asks, and
    /// renames it to `destination`. The temporary file is removed on any failure.
    private static func writeFileAtomically(
        _ bytes: UnsafeRawBufferPointer, to destination: String, directory: String, sync: SyncPolicy, tag: UInt64,
        parentOfDirectory: String? = nil
    ) throws {
        let temp = directory + "/" + temporaryPrefix + "\(getpid())-\(tag)-\(UInt32.random(in: 0...UInt32.max))"
        var fd = try SystemCall.openIfExists(temp, O_WRONLY | O_CREAT | O_EXCL, mode: 0o644)
        if fd == nil {
            // The shard folder does not exist yet: create it (and make its name durable if asked).
            try SystemCall.makeDirectory(directory)
            if sync == .fileAndDirectory, let parent = parentOfDirectory { try SystemCall.syncDirectory(parent) }
            fd = try SystemCall.retrying("open", temp) { open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        }
        guard let fd else { return }
        var renamed = false
        var closed = false
        defer {
            if !closed { close(fd) }
            if !renamed { unlink(temp) }
        }
        try SystemCall.writeAll(fd, bytes, path: temp)
        if sync != .none { _ = try SystemCall.retrying("fsync", temp) { fsync(fd) } }
        closed = true
        _ = try SystemCall.retrying("close", temp) { close(fd) }
        _ = try SystemCall.retrying("rename", destination) { rename(temp, destination) }
        renamed = true
        if sync == .fileAndDirectory { try SystemCall.syncDirectory(directory) }
    }

    /// Flushes everything written to the file system that holds the store (`syncfs`).
    ///
    /// One call makes all blocks written so far durable; ``Repo`` calls it before it records a
    /// pin when the per-write policy is ``SyncPolicy/none``, so a pin never outlives its blocks.
    ///
    /// Concurrent calls share flushes (group commit, see ``FlushGroup``): a call returns once a
    /// `syncfs` that started after it was made has finished, so writes made before the call are
    /// durable, but ten reports finishing together cost one or two flushes instead of ten.
    public func synchronize() throws {
        try flushes.flush {
            let fd = try SystemCall.retrying("open", path) { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            defer { close(fd) }
            _ = try SystemCall.retrying("syncfs", path) { SystemCall.syncFileSystem(fd) }
        }
    }

    /// How many `syncfs` flushes ``synchronize()`` ran (fewer than its calls when they overlap).
    public var flushCount: UInt64 { flushes.count }

    // MARK: Removing

    /// Deletes the file of `multihash`; returns its size, or `nil` when it was not there.
    @discardableResult
    public func remove(_ multihash: Multihash) throws -> Int? {
        let file = filePath(for: multihash)
        guard let size = try SystemCall.fileSize(file) else { return nil }
        return try SystemCall.removeFile(file) ? size : nil
    }

    // MARK: Listing

    /// The name prefix of temporary files (hidden, and never ending in `.data`).
    static let temporaryPrefix = ".tmp-"

    /// What a listing found in the store's folders.
    public struct Entry: Sendable, Hashable {
        /// What kind of file this is.
        public enum Kind: Sendable, Hashable {
            /// A block file; its name decodes to this multihash.
            case block(Multihash)
            /// A temporary file left by an interrupted or in-progress write.
            case temporary
            /// A file this store did not write (an unknown name); never touched.
            case unknown
        }
        public let kind: Kind
        /// The absolute path of the file.
        public let path: String
    }

    /// Calls `body` for every file in the shard folders, in no particular order.
    ///
    /// The store's own files at the root (`SHARDING`, `_README`) are not listed.
    public func forEachEntry(_ body: (Entry) throws -> Void) throws {
        guard let shards = try SystemCall.listDirectory(path) else { return }
        for shard in shards where shard.isDirectory {
            let folder = path + "/" + shard.name
            guard let files = try SystemCall.listDirectory(folder) else { continue }
            for file in files where !file.isDirectory {
                let filePath = folder + "/" + file.name
                if file.name.hasPrefix(Self.temporaryPrefix) {
                    try body(Entry(kind: .temporary, path: filePath))
                } else if file.name.hasSuffix(FlatFSKey.fileExtension),
                    let multihash = FlatFSKey.multihash(forKey: file.name.dropLast(FlatFSKey.fileExtension.count)),
                    FlatFSKey.shard(ofKey: String(file.name.dropLast(FlatFSKey.fileExtension.count))) == shard.name
                {
                    try body(Entry(kind: .block(multihash), path: filePath))
                } else {
                    try body(Entry(kind: .unknown, path: filePath))
                }
            }
        }
    }

    /// The multihashes of every stored block.
    public func allMultihashes() throws -> [Multihash] {
        var result: [Multihash] = []
        try forEachEntry { entry in
            if case .block(let multihash) = entry.kind { result.append(multihash) }
        }
        return result
    }

    /// Removes leftover temporary files and returns how many there were.
    ///
    /// Only call this when no other process or thread can be writing to the store: their
    /// in-progress temporary files would be removed from under them.
    @discardableResult
    public func removeTemporaryFiles() throws -> Int {
        var removed = 0
        try forEachEntry { entry in
            if entry.kind == .temporary, try SystemCall.removeFile(entry.path) { removed += 1 }
        }
        return removed
    }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
