import Foundation
import IPLD

/// A node's local repository in `$SHOAL_HOME`: blocks, the pin set, gc, verify and CAR files.
///
/// This is the one entry point the CLI uses for stored data. On disk:
///
/// | path | what |
/// | --- | --- |
/// | `blocks/` | one file per block, kubo's flatfs layout (``FlatFSBlockstore``) |
/// | `repo.sqlite` | block index and pin set (SQLite, WAL) |
/// | `repo.lock` | the advisory lock that orders writers and gc (see ``write(wait:_:)``) |
/// | `version` | the layout version (``layoutVersion``) |
///
/// Reading needs no lock. Writing happens in a ``write(wait:_:)`` session, which holds a shared lock
/// so that gc (exclusive) can never delete a block between its write and its pin. Several
/// processes may open the same repository and add at the same time.
///
/// ```swift
/// let repo = try Repo(home: "/home/me/.shoal")
/// let root = try repo.write { writer in
///     let block = Block(bytes: Array("hello".utf8), codec: .raw)
///     try writer.put(block)
///     try writer.pin(block.cid)
///     return block.cid
/// }
/// let report = try repo.collectGarbage()
/// ```
public final class Repo: BlockSource, Sendable {
    /// The layout version this build reads and writes.
    public static let layoutVersion = 1

    /// How the repository stores blocks.
    public struct Options: Sendable, Equatable {
        /// What each block write flushes (see ``FlatFSBlockstore/SyncPolicy``).
        public var sync: FlatFSBlockstore.SyncPolicy
        /// Re-hash blocks on every read through ``block(_:)``.
        public var verifyOnRead: Bool
        /// Flush the file system (`syncfs`) before recording a pin, so that after a power loss
        /// a pin never names blocks that were not yet on disk. One flush per pin, not per block.
        public var syncBeforePin: Bool

        public init(sync: FlatFSBlockstore.SyncPolicy = .none, verifyOnRead: Bool = false, syncBeforePin: Bool = true) {
            self.sync = sync
            self.verifyOnRead = verifyOnRead
            self.syncBeforePin = syncBeforePin
        }
    }

    /// The repository folder (`$SHOAL_HOME`).
    public let home: String
    public let options: Options
    /// The block files. Reading from it directly is fine; write through ``write(wait:_:)``.
    public let blocks: FlatFSBlockstore
    let database: RepoDatabase
    let lockPath: String

    /// Opens the repository in `home`, creating its layout on first use.
    ///
    /// Safe to call from several processes at once: folders are created idempotently, the
    /// version file atomically, and schema migrations run under the exclusive lock.
    ///
    /// - Throws: ``BlockStoreError/Code/badRepo`` when `home` holds a repository of another
    ///   layout version; ``BlockStoreError/Code/io`` or ``BlockStoreError/Code/database`` when
    ///   it cannot be created or opened.
    public init(home: String, options: Options = Options()) throws {
        let home = home.count > 1 && home.hasSuffix("/") ? String(home.dropLast()) : home
        self.home = home
        self.options = options
        self.lockPath = home + "/repo.lock"
        try SystemCall.makeDirectories(home)
        try Self.checkVersion(home: home)
        blocks = try FlatFSBlockstore(path: home + "/blocks", options: .init(sync: options.sync, verifyOnRead: options.verifyOnRead))
        database = try RepoDatabase(path: home + "/repo.sqlite")
        if try !database.isMigrated() {
            // Exclusive, so that two first openers do not both try to create the tables and an
            // older process never writes into a half-migrated schema.
            try RepoLock.withLock(.exclusive, path: lockPath) { try database.migrate() }
        }
    }

    /// The default home: `$SHOAL_HOME` when set and not empty, else `~/.shoal`.
    public static func defaultHome(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["SHOAL_HOME"], !home.isEmpty { return home }
        let user = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return user + "/.shoal"
    }

    private static func checkVersion(home: String) throws {
        let path = home + "/version"
        if let bytes = try SystemCall.readFile(path) {
            let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace
            guard Int(text) == layoutVersion else {
                throw BlockStoreError(.badRepo, "\(path) says version '\(text)', but this shoal reads version \(layoutVersion)")
            }
            return
        }
        // A new repository: write the version atomically (temp + rename) so a concurrent opener
        // sees either nothing or the whole file.
        let temp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try Data("\(layoutVersion)\n".utf8).write(to: URL(fileURLWithPath: temp))
            _ = try SystemCall.retrying("rename", path) { rename(temp, path) }
        } catch let error as BlockStoreError {
            _ = try? SystemCall.removeFile(temp)
            throw error
        } catch {
            throw BlockStoreError(.io, "cannot write \(path): \(error)")
        }
    }

    // MARK: Reading

    public func block(_ cid: CID) throws -> [UInt8] { try blocks.block(cid) }

    public func has(_ cid: CID) throws -> Bool { try blocks.has(cid) }

    /// How many blocks the index lists and their total size.
    public func statistics() throws -> (blocks: Int, bytes: Int) {
        let totals = try database.indexTotals()
        return (totals.count, totals.bytes)
    }

    // MARK: Writing

    /// Runs `body` with a writer, holding the shared lock that keeps gc out until it returns.
    ///
    /// Write the blocks of an add or import and record their pin in the **same** session: gc
    /// cannot run in between, so it never deletes a block that is about to be pinned. The
    /// writer's pending index rows are flushed before the lock is released, also when `body`
    /// throws. The writer must not be used after the session.
    ///
    /// - Parameter wait: when `false`, throws ``BlockStoreError/Code/busy`` instead of waiting
    ///   while gc runs.
    public func write<T>(wait: Bool = true, _ body: (RepoWriter) throws -> T) throws -> T {
        try RepoLock.withLock(.shared, path: lockPath, wait: wait) {
            let writer = RepoWriter(repo: self)
            defer { writer.close() }
            let result: T
            do {
                result = try body(writer)
            } catch {
                try? writer.flush()
                throw error
            }
            try writer.flush()
            return result
        }
    }
}
