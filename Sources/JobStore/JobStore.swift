import Foundation
import GRDB
import IPLD

/// A node's jobs, their tasks, attempts and event log, and the provenance index, in SQLite.
///
/// The store is the only place that touches SQL; everything goes in and out as value types
/// (``JobRecord``, ``TaskRecord``, ``AttemptRecord``, ``JobEvent``). It lives in
/// `$SHOAL_HOME/jobs.sqlite` (WAL, `synchronous = NORMAL`, a busy timeout), next to the block
/// repository, and several processes may use it at once: every change is one `IMMEDIATE`
/// transaction that checks the state machine (``TaskState``, ``JobState``) against the stored
/// state before writing, and appends its ``JobEvent`` in the same transaction.
///
/// ```swift
/// let store = try JobStore(home: "/home/me/.shoal")
/// let id = JobID.generate()
/// try store.createJob(JobRecord(id: id, name: "hello", spec: specJSON), tasks: [NewTask(id: "greet")])
/// try store.markReady(job: id, task: "greet")
/// let attempt = try store.startAttempt(job: id, task: "greet", node: nil)
/// try store.finishTask(job: id, task: "greet", attempt: attempt, result: TaskResult(state: .succeeded))
/// print(try store.events(of: id).map(\.kind))
/// ```
///
/// The schema is a list of named, append-only migrations (``Migration``); later features (pool
/// nodes, tokens, leases) add tables with new migrations and never edit old ones.
///
/// ## Topics
///
/// ### Opening
/// - ``init(home:)``
/// - ``init(path:)``
/// - ``fileName``
///
/// ### Jobs
/// - ``createJob(_:tasks:)``
/// - ``job(_:)``
/// - ``jobs(limit:)``
/// - ``resolveJobID(_:)``
/// - ``setJobState(_:to:reason:)``
///
/// ### Tasks
/// - ``tasks(of:)``
/// - ``task(job:id:)``
/// - ``markReady(job:task:)``
/// - ``startAttempt(job:task:node:queued:)``
/// - ``finishTask(job:task:attempt:result:)``
/// - ``skipTask(job:task:reason:message:)``
/// - ``cancelTask(job:task:message:)``
/// - ``resetForRetry(job:)``
/// - ``attempts(job:task:)``
///
/// ### Events and provenance
/// - ``events(of:after:)``
/// - ``provenanceIndex``
public final class JobStore: Sendable {
    /// The database file's name inside a home folder.
    public static let fileName = "jobs.sqlite"

    let pool: DatabasePool
    /// The file the store lives in.
    public let path: String

    /// How long a write waits for another process's write transaction before failing.
    static let busyTimeout: TimeInterval = 30

    /// Opens (creating and migrating on first use) the store in `home` (`$SHOAL_HOME`).
    ///
    /// - Throws: ``JobStoreError/Code/database`` when the folder or the database cannot be created or opened.
    public convenience init(home: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        } catch {
            throw JobStoreError(.database, "cannot create \(home): \(error.localizedDescription)")
        }
        try self.init(path: home + "/" + Self.fileName)
    }

    /// Opens (creating and migrating on first use) the store at `path`.
    ///
    /// Migrations run under an exclusive lock on `<path>.lock`, so two processes opening a new
    /// store at once do not both try to create its tables.
    public convenience init(path: String) throws {
        try self.init(path: path, migrating: true)
    }

    /// Opens the store; `migrating: false` leaves the schema as it is (tests of migrations).
    init(path: String, migrating: Bool) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "shoal.jobs"
        configuration.prepareDatabase { db in
            // NORMAL in WAL mode survives process crashes (what --resume relies on) without an
            // fsync per transaction; a power loss may lose the last transactions, never consistency.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try Self.openPool(path: path, configuration: configuration)
        if migrating { try migrateIfNeeded() }
    }

    /// Opens the database, trying again for up to the busy timeout while another process holds
    /// it locked.
    ///
    /// Opening switches the database to WAL, which needs the file to itself. When another
    /// connection holds the write lock of a new file still in its first journal mode (another
    /// process creating the store), SQLite refuses the switch at once ("database is locked")
    /// instead of calling the busy handler, to avoid a deadlock: `shoal run` failed to start that
    /// way in CI while a test opened the store of the run it had started. Only that error is
    /// retried.
    private static func openPool(path: String, configuration: Configuration) throws -> DatabasePool {
        let deadline = Date() + busyTimeout
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                usleep(20_000)
            } catch {
                throw JobStoreError(.database, "cannot open \(path): \(error)")
            }
        }
    }

    // MARK: Schema

    /// The migration identifiers, in order. Append only; never edit one that shipped.
    public enum Migration {
        public static let jobs = "v1 jobs"
        public static let tasks = "v2 tasks and attempts"
        public static let events = "v3 event log"
        public static let provenance = "v4 provenance index"
        public static let poolTokens = "v5 pool tokens"
        public static let poolNodes = "v6 pool nodes and pins"
        public static let poolExecutions = "v7 pool executions and leases"
        public static let poolTokenIssuer = "v8 pool token issuer"
        public static let all = [jobs, tasks, events, provenance, poolTokens, poolNodes, poolExecutions, poolTokenIssuer]
    }

    /// The schema as named migrations, each run in its own transaction.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(Migration.jobs) { db in
            try db.execute(sql: """
                CREATE TABLE job (
                    id TEXT NOT NULL PRIMARY KEY,         -- JobID: time-prefixed, sortable
                    name TEXT NOT NULL,
                    spec TEXT NOT NULL,                   -- resolved spec, canonical text   
                    spec_file TEXT,
                    inputs TEXT NOT NULL,                 -- JSON {input name: CID}
                    tools TEXT NOT NULL,                  -- JSON {task id: CID}
                    keep_going INTEGER NOT NULL,
                    no_cache INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    reason TEXT,
                    created REAL NOT NULL,                -- seconds since 1970
                    finished REAL
                );
                CREATE INDEX job_state ON job(state);
                """)
        }
        migrator.registerMigration(Migration.tasks) { db in
            try db.execute(sql: """
                CREATE TABLE task (
                    job_id TEXT NOT NULL REFERENCES job(id) ON DELETE CASCADE,
                    id TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    reason TEXT,
                    message TEXT,
                    exit_code INTEGER,
                    stderr_tail TEXT,
                    recipe TEXT,                          -- CIDs as text
                    step TEXT,
                    outputs TEXT NOT NULL DEFAULT '{}',   -- JSON {output name: CID}
                    stdout TEXT,
                    stderr TEXT,
                    original TEXT,
                    node TEXT,
                    output_bytes INTEGER NOT NULL DEFAULT 0,
                    started REAL,
                    finished REAL,
                    PRIMARY KEY (job_id, id)
                ) WITHOUT ROWID;
                CREATE TABLE attempt (
                    job_id TEXT NOT NULL,
                    task_id TEXT NOT NULL,
                    number INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    node TEXT,
                    reason TEXT,
                    step TEXT,
                    started REAL NOT NULL,
                    finished REAL,
                    PRIMARY KEY (job_id, task_id, number),
                    FOREIGN KEY (job_id, task_id) REFERENCES task(job_id, id) ON DELETE CASCADE
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration(Migration.events) { db in
            try db.execute(sql: """
                CREATE TABLE event (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    job_id TEXT NOT NULL REFERENCES job(id) ON DELETE CASCADE,
                    time REAL NOT NULL,
                    kind TEXT NOT NULL,
                    task_id TEXT,
                    attempt INTEGER,
                    message TEXT
                );
                CREATE INDEX event_job ON event(job_id, seq);
                """)
        }
        migrator.registerMigration(Migration.provenance) { db in
            // CIDs as their CIDv1 binary form, so a v0 and a v1 name of one block are one key.
            try db.execute(sql: """
                CREATE TABLE provenance_output (
                    output BLOB NOT NULL PRIMARY KEY,     -- the first step recorded wins
                    step BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE provenance_attestation (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    step BLOB NOT NULL,
                    attestation BLOB NOT NULL,
                    UNIQUE (step, attestation)
                );
                CREATE TABLE provenance_memo (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    recipe BLOB NOT NULL,
                    step BLOB NOT NULL,
                    UNIQUE (recipe, step)
                );
                """)
        }
        registerPoolMigrations(&migrator)
        return migrator
    }

    /// Applies the migrations not applied yet, under the store's exclusive lock file.
    func migrateIfNeeded() throws {
        if try database("read schema version", { try pool.read { try Self.migrator.hasCompletedMigrations($0) } }) {
            return
        }
        try FileLock.withExclusiveLock(path: path + ".lock") {
            try database("migrate") { try Self.migrator.migrate(pool) }
        }
    }

    /// Applies migrations up to and including `identifier` (tests of the schema's history).
    func migrate(upTo identifier: String) throws {
        try database("migrate") { try Self.migrator.migrate(pool, upTo: identifier) }
    }

    /// The migrations applied to this store, in order.
    func appliedMigrations() throws -> [String] {
        try database("read schema version") { try pool.read { try Self.migrator.appliedMigrations($0) } }
    }

    // MARK: Error mapping

    /// Runs `body`, turning GRDB errors into ``JobStoreError/Code/database`` errors that say
    /// what was being done (SQL and arguments are left out).
    func database<T>(_ operation: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as JobStoreError {
            throw error
        } catch let error as DatabaseError {
            throw JobStoreError(.database, "\(operation()): \(error.message ?? "\(error.resultCode)") (\(path))")
        } catch {
            throw JobStoreError(.database, "\(operation()): \(error) (\(path))")
        }
    }

    /// A write transaction (IMMEDIATE, so concurrent writers queue instead of failing).
    func write<T>(_ operation: @autoclosure () -> String, _ body: (Database) throws -> T) throws -> T {
        try database(operation()) { try pool.write(body) }
    }

    /// A read.
    func read<T>(_ operation: @autoclosure () -> String, _ body: (Database) throws -> T) throws -> T {
        try database(operation()) { try pool.read(body) }
    }
}

/// An advisory `flock` on a lock file, held for the duration of a closure.
enum FileLock {
    static func withExclusiveLock<T>(path: String, _ body: () throws -> T) throws -> T {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw JobStoreError(.database, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer {
            // Unlock, not only close: a process spawned right now shares the lock until its exec.
            flock(fd, LOCK_UN)
            close(fd)
        }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw JobStoreError(.database, "cannot lock \(path): \(String(cString: strerror(errno)))")
            }
        }
        return try body()
    }
}
