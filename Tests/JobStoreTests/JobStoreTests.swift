import Foundation
import GRDB
import ShoalTesting
import Testing
@testable import JobStore

struct JobStoreTests {
    @Test func aNewStoreHasEveryMigration() throws {
        let fixture = try StoreFixture()
        #expect(try fixture.store.appliedMigrations() == JobStore.Migration.all)
        #expect(FileManager.default.fileExists(atPath: fixture.folder.file("jobs.sqlite")))
    }

    @Test func migrationsApplyOneByOneAndKeepData() throws {
        let folder = TemporaryDirectory("migrations")
        let path = folder.file("jobs.sqlite")
        let old = try JobStore(path: path, migrating: false)
        #expect(try old.appliedMigrations() == [])
        try old.migrate(upTo: JobStore.Migration.jobs)
        #expect(try old.appliedMigrations() == [JobStore.Migration.jobs])
        // A job row written by the first schema survives the later migrations.
        try old.pool.write { db in
            try db.execute(sql: """
                INSERT INTO job (id, name, spec, inputs, tools, keep_going, no_cache, state, created)
                VALUES ('0000000001abcd', 'old', '{}', '{}', '{}', 0, 0, 'failed', 1)
                """)
        }
        try old.migrate(upTo: JobStore.Migration.events)
        #expect(try old.appliedMigrations() == Array(JobStore.Migration.all.prefix(3)))
        // Opening normally finishes the migrations.
        let store = try JobStore(path: path)
        #expect(try store.appliedMigrations() == JobStore.Migration.all)
        let job = try store.job("0000000001abcd")
        #expect(job.name == "old")
        #expect(job.state == .failed)
        #expect(try store.tasks(of: job.id).isEmpty)
    }

    @Test func migrationNamesAreUniqueAndInOrder() {
        #expect(Set(JobStore.Migration.all).count == JobStore.Migration.all.count)
        #expect(JobStore.Migration.all.enumerated().allSatisfy { $0.element.hasPrefix("v\($0.offset + 1) ") })
    }

    @Test func twoProcessesStyleOpenersShareOneStore() async throws {
        let folder = TemporaryDirectory("openers")
        // Several openers of a new store at once: the lock makes migrations happen once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { _ = try JobStore(home: folder.path) }
            }
            try await group.waitForAll()
        }
        let store = try JobStore(home: folder.path)
        #expect(try store.appliedMigrations() == JobStore.Migration.all)
    }

    @Test func anOpenWaitsWhileAnotherConnectionHoldsTheNewFileLocked() async throws {
        let folder = TemporaryDirectory("locked-open")
        let path = folder.file("jobs.sqlite")
        // A database still in its first journal mode, read by another connection: switching it
        // to WAL needs the file to itself, and SQLite refuses that at once, not through the
        // busy handler (how `shoal run` once failed to start while a test polled its new store).
        let other = try DatabaseQueue(path: path)
        let opening = try other.inDatabase { db in
            try db.execute(sql: "CREATE TABLE probe (x)")
            try db.execute(sql: "BEGIN IMMEDIATE")
            try db.execute(sql: "INSERT INTO probe VALUES (1)")  // holds the write lock until COMMIT
            let opening = Task.detached { try JobStore(path: path) }
            Thread.sleep(forTimeInterval: 0.3)
            try db.execute(sql: "COMMIT")
            return opening
        }
        let store = try await opening.value
        #expect(try store.appliedMigrations() == JobStore.Migration.all)
    }

    @Test func anUnopenableStoreIsAOneLineError() throws {
        let folder = TemporaryDirectory("bad")
        try folder.write("jobs.sqlite", text: "this is not a database, just text that is long enough to matter")
        #expect {
            _ = try JobStore(home: folder.path)
        } throws: { error in
            guard let error = error as? JobStoreError else { return false }
            return error.code == .database && !error.description.contains("\n") && error.description.contains("jobs.sqlite")
        }
    }
}
