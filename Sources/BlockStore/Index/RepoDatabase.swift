import Foundation
import GRDB
import IPLD

/// `repo.sqlite`: the block index and the pin set, in SQLite (WAL) through GRDB.
///
/// The pin set is the source of truth for what gc keeps. The block index records, for each
/// multihash whose file was written, its size and the codec it was first added with; `verify`
/// compares it with the files (missing and orphan blocks) and reports use it to print CIDs.
///
/// Schema changes are appended to ``migrator`` as new named migrations; existing ones are
/// never edited, so every repository ever created can be brought up to date.
final class RepoDatabase: Sendable {
    let pool: DatabasePool

    /// How long a write waits for another process's write transaction before failing.
    static let busyTimeout: TimeInterval = 30

    /// Opens (creating if needed) the database at `path` without migrating it.
    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "shoal.repo"
        configuration.prepareDatabase { db in
            // WAL is set by DatabasePool; NORMAL is durable across process crashes in WAL mode
            // and loses at most the last transactions on power loss, never consistency.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw BlockStoreError(.database, "cannot open \(path): \(error)")
        }
    }

    /// The schema, as an append-only list of named migrations.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(Migration.blockIndex) { db in
            try db.execute(sql: """
                CREATE TABLE block (
                    multihash BLOB NOT NULL PRIMARY KEY,  -- binary multihash: the flatfs file key
                    size INTEGER NOT NULL,                -- bytes in the file
                    codec INTEGER NOT NULL                -- multicodec of the CID it was first added as
                ) WITHOUT ROWID
                """)
        }
        migrator.registerMigration(Migration.pinSet) { db in
            try db.execute(sql: """
                CREATE TABLE pin (
                    cid BLOB NOT NULL PRIMARY KEY,        -- binary CID, exactly as pinned
                    mode TEXT NOT NULL CHECK (mode IN ('recursive', 'direct')),
                    name TEXT,
                    created REAL NOT NULL                 -- seconds since 1970
                ) WITHOUT ROWID;
                CREATE INDEX pin_mode ON pin(mode);
                """)
        }
        migrator.registerMigration(Migration.pinPrivacy) { db in
            // A private pin is never served to peers (compute-to-data); existing pins stay public.
            try db.execute(sql: "ALTER TABLE pin ADD COLUMN private INTEGER NOT NULL DEFAULT 0")
        }
        return migrator
    }

    /// The migration identifiers, in order. Append only.
    enum Migration {
        static let blockIndex = "v1 block index"
        static let pinSet = "v2 pin set"
        static let pinPrivacy = "v3 pin privacy"
        static let all = [blockIndex, pinSet, pinPrivacy]
    }

    /// Whether every migration has been applied.
    func isMigrated() throws -> Bool {
        try wrap("read schema version") { try pool.read { try Self.migrator.hasCompletedMigrations($0) } }
    }

    /// Applies the migrations that have not run yet (each in its own transaction).
    func migrate() throws {
        try wrap("migrate") { try Self.migrator.migrate(pool) }
    }

    // MARK: Block index

    /// A row of the block index.
    struct IndexedBlock: Sendable, Hashable {
        var multihash: Multihash
        var size: Int
        var codec: Multicodec
    }

    /// Records blocks whose files were written, in one transaction.
    func index(_ blocks: [IndexedBlock]) throws {
        guard !blocks.isEmpty else { return }
        try wrap("index blocks") {
            try pool.write { db in
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO block (multihash, size, codec) VALUES (?, ?, ?)
                    ON CONFLICT(multihash) DO UPDATE SET size = excluded.size
                    """)
                for block in blocks {
                    try statement.execute(arguments: [Data(block.multihash.bytes), block.size, Int64(bitPattern: block.codec.rawValue)])
                }
            }
        }
    }

    /// Forgets blocks (their files were removed), in one transaction.
    func unindex(_ multihashes: some Collection<Multihash>) throws {
        guard !multihashes.isEmpty else { return }
        try wrap("unindex blocks") {
            try pool.write { db in
                let statement = try db.cachedStatement(sql: "DELETE FROM block WHERE multihash = ?")
                for multihash in multihashes { try statement.execute(arguments: [Data(multihash.bytes)]) }
            }
        }
    }

    /// Every row of the block index, keyed by multihash.
    func indexedBlocks() throws -> [Multihash: IndexedBlock] {
        try wrap("read block index") {
            try pool.read { db in
                var result: [Multihash: IndexedBlock] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT multihash, size, codec FROM block")
                while let row = try rows.next() {
                    let data: Data = row[0]
                    // A row this code did not write is skipped rather than trusted.
                    guard let multihash = try? Multihash(bytes: Array(data)) else { continue }
                    let codec: Int64 = row[2]
                    result[multihash] = IndexedBlock(multihash: multihash, size: row[1], codec: Multicodec(rawValue: UInt64(bitPattern: codec)))
                }
                return result
            }
        }
    }

    /// The number of indexed blocks and their total size.
    func indexTotals() throws -> (count: Int, bytes: Int) {
        try wrap("read block index") {
            try pool.read { db in
                let row = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM block")!
                return (row[0], row[1])
            }
        }
    }

    // MARK: Pin set

    /// Every pin, optionally only those of one mode, oldest first.
    func pins(mode: Pin.Mode? = nil) throws -> [Pin] {
        try wrap("read pins") {
            try pool.read { db in
                let rows: [Row]
                if let mode {
                    rows = try Row.fetchAll(db, sql: "SELECT * FROM pin WHERE mode = ? ORDER BY created, cid", arguments: [mode.rawValue])
                } else {
                    rows = try Row.fetchAll(db, sql: "SELECT * FROM pin ORDER BY created, cid")
                }
                return try rows.map(Self.pin(from:))
            }
        }
    }

    /// The pin of exactly this CID, if any.
    func pin(for cid: CID) throws -> Pin? {
        try wrap("read pins") {
            try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM pin WHERE cid = ?", arguments: [Data(cid.bytes)]).map(Self.pin(from:))
            }
        }
    }

    /// Adds or updates pins for `cids`, all in one transaction: either all are recorded or none.
    ///
    /// A recursive pin replaces a direct one; a direct pin of a recursively pinned CID is refused
    /// with ``BlockStoreError/Code/alreadyPinned``. Pinning again keeps the creation time and
    /// replaces the name when one is given.
    func upsertPins(_ cids: [CID], mode: Pin.Mode, name: String?, now: Date) throws -> [Pin] {
        // Stored as seconds since 1970 at millisecond precision; the returned pins carry exactly
        // the value a later read gives back.
        let now = Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1000).rounded() / 1000)
        do {
            return try pool.write { db in
                var result: [Pin] = []
                for cid in cids {
                    let key = Data(cid.bytes)
                    let existing = try Row.fetchOne(db, sql: "SELECT * FROM pin WHERE cid = ?", arguments: [key]).map(Self.pin(from:))
                    if let existing {
                        if mode == .direct, existing.mode == .recursive {
                            throw BlockStoreError(.alreadyPinned, "\(cid) is already pinned recursively")
                        }
                        let pin = Pin(
                            cid: cid, mode: mode, name: name ?? existing.name, created: existing.created,
                            isPrivate: existing.isPrivate)
                        try db.execute(sql: "UPDATE pin SET mode = ?, name = ? WHERE cid = ?", arguments: [mode.rawValue, pin.name, key])
                        result.append(pin)
                    } else {
                        let pin = Pin(cid: cid, mode: mode, name: name, created: now)
                        try db.execute(
                            sql: "INSERT INTO pin (cid, mode, name, created) VALUES (?, ?, ?, ?)",
                            arguments: [key, mode.rawValue, name, now.timeIntervalSince1970])
                        result.append(pin)
                    }
                }
                return result
            }
        } catch let error as BlockStoreError {
            throw error
        } catch {
            throw BlockStoreError(.database, "pin: \(error)")
        }
    }

    /// Marks the pin of exactly this CID private (or public again) and returns it, or `nil` when
    /// the CID is not pinned.
    func setPrivate(_ cid: CID, _ isPrivate: Bool) throws -> Pin? {
        try wrap("mark pin") {
            try pool.write { db in
                let key = Data(cid.bytes)
                try db.execute(sql: "UPDATE pin SET private = ? WHERE cid = ?", arguments: [isPrivate, key])
                return try Row.fetchOne(db, sql: "SELECT * FROM pin WHERE cid = ?", arguments: [key]).map(Self.pin(from:))
            }
        }
    }

    /// Removes the pin of exactly this CID and returns it, or `nil` when there was none.
    func removePin(_ cid: CID) throws -> Pin? {
        try wrap("remove pin") {
            try pool.write { db in
                let key = Data(cid.bytes)
                guard let existing = try Row.fetchOne(db, sql: "SELECT * FROM pin WHERE cid = ?", arguments: [key]) else { return nil }
                try db.execute(sql: "DELETE FROM pin WHERE cid = ?", arguments: [key])
                return try Self.pin(from: existing)
            }
        }
    }

    private static func pin(from row: Row) throws -> Pin {
        let data: Data = row["cid"]
        let modeText: String = row["mode"]
        guard let mode = Pin.Mode(rawValue: modeText) else {
            throw BlockStoreError(.database, "pin row has unknown mode '\(modeText)'")
        }
        let seconds: Double = row["created"]
        let isPrivate: Bool? = row["private"]
        return Pin(
            cid: try CID(bytes: Array(data)), mode: mode, name: row["name"], created: Date(timeIntervalSince1970: seconds),
            isPrivate: isPrivate ?? false)
    }

    /// Runs `body`, turning GRDB and SQLite errors into ``BlockStoreError/Code/database``.
    private func wrap<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as BlockStoreError {
            throw error
        } catch {
            throw BlockStoreError(.database, "\(what): \(error)")
        }
    }
}
