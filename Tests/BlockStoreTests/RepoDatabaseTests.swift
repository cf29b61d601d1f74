import Foundation
import GRDB
import IPLD
import ShoalTesting
import Testing

@testable import BlockStore

@Suite struct RepoDatabaseTests {
    @Test func migrationsAreNamedAndAppendOnly() {
        // Renaming or reordering a shipped migration would break existing repositories.
        #expect(RepoDatabase.migrator.migrations == ["v1 block index", "v2 pin set", "v3 pin privacy"])
        #expect(RepoDatabase.Migration.all == RepoDatabase.migrator.migrations)
    }

    @Test func migratingStepByStep() throws {
        let dir = TemporaryDirectory()
        let database = try RepoDatabase(path: dir.file("repo.sqlite"))
        #expect(try !database.isMigrated())
        try RepoDatabase.migrator.migrate(database.pool, upTo: RepoDatabase.Migration.blockIndex)
        let tables = try database.pool.read { db in (try db.tableExists("block"), try db.tableExists("pin")) }
        #expect(tables == (true, false))
        #expect(try !database.isMigrated())
        // Data written by the first schema survives the next migration.
        let multihash = Multihash.sha256([1, 2, 3])
        try database.index([.init(multihash: multihash, size: 3, codec: .raw)])
        try database.migrate()
        #expect(try database.isMigrated())
        #expect(try database.pool.read { db in try db.tableExists("pin") })
        #expect(try database.indexedBlocks()[multihash]?.size == 3)
    }

    @Test func theDatabaseUsesWAL() throws {
        let dir = TemporaryDirectory()
        let database = try RepoDatabase(path: dir.file("repo.sqlite"))
        let mode = try database.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func blockIndexUpsertsAndRemoves() throws {
        let dir = TemporaryDirectory()
        let database = try RepoDatabase(path: dir.file("repo.sqlite"))
        try database.migrate()
        let a = Multihash.sha256([1]), b = Multihash.sha256([2])
        try database.index([.init(multihash: a, size: 1, codec: .dagPB), .init(multihash: b, size: 2, codec: .raw)])
        // A second index of the same multihash keeps the first codec and updates the size.
        try database.index([.init(multihash: a, size: 5, codec: .raw)])
        let rows = try database.indexedBlocks()
        #expect(rows[a] == .init(multihash: a, size: 5, codec: .dagPB))
        #expect(try database.indexTotals() == (2, 7))
        try database.unindex([a])
        #expect(try database.indexedBlocks().keys.sorted { $0.bytes.lexicographicallyPrecedes($1.bytes) } == [b])
    }

    @Test func pinRules() throws {
        let dir = TemporaryDirectory()
        let database = try RepoDatabase(path: dir.file("repo.sqlite"))
        try database.migrate()
        let cid = TestDAG.rawLeaf(seed: 1).cid
        let t0 = Date(timeIntervalSince1970: 1_700_000_000)
        let direct = try database.upsertPins([cid], mode: .direct, name: "first", now: t0)
        #expect(direct == [Pin(cid: cid, mode: .direct, name: "first", created: t0)])
        // Recursive upgrades a direct pin, keeping its creation time and (without a new name) its name.
        let upgraded = try database.upsertPins([cid], mode: .recursive, name: nil, now: t0.addingTimeInterval(60))
        #expect(upgraded == [Pin(cid: cid, mode: .recursive, name: "first", created: t0)])
        // A direct pin cannot downgrade a recursive one.
        let error = #expect(throws: BlockStoreError.self) { try database.upsertPins([cid], mode: .direct, name: nil, now: t0) }
        #expect(error?.code == .alreadyPinned)
        #expect(try database.pin(for: cid)?.mode == .recursive)
        #expect(try database.removePin(cid)?.cid == cid)
        #expect(try database.removePin(cid) == nil)
    }

    @Test func pinsMadeBeforeThePrivacyMigrationStayPublicAndCanBeMarked() throws {
        let dir = TemporaryDirectory()
        let database = try RepoDatabase(path: dir.file("repo.sqlite"))
        try RepoDatabase.migrator.migrate(database.pool, upTo: RepoDatabase.Migration.pinSet)
        let cid = TestDAG.rawLeaf(seed: 1).cid
        try database.pool.write { db in
            try db.execute(
                sql: "INSERT INTO pin (cid, mode, name, created) VALUES (?, 'recursive', 'old', 1700000000)",
                arguments: [Data(cid.bytes)])
        }
        try database.migrate()
        #expect(try database.pin(for: cid)?.isPrivate == false)
        #expect(try database.setPrivate(cid, true)?.isPrivate == true)
        // Pinning again (even with another name or mode) keeps the mark.
        let again = try database.upsertPins([cid], mode: .recursive, name: "renamed", now: Date())
        #expect(again.map(\.isPrivate) == [true])
        #expect(try database.pin(for: cid)?.isPrivate == true)
        #expect(try database.setPrivate(cid, false)?.isPrivate == false)
        #expect(try database.setPrivate(TestDAG.rawLeaf(seed: 2).cid, true) == nil)
    }

    @Test func aFailingMultiPinRecordsNothing() throws {
        let dir = TemporaryDirectory()
        let database = try RepoDatabase(path: dir.file("repo.sqlite"))
        try database.migrate()
        let a = TestDAG.rawLeaf(seed: 1).cid, b = TestDAG.rawLeaf(seed: 2).cid
        _ = try database.upsertPins([b], mode: .recursive, name: nil, now: Date())
        #expect(throws: BlockStoreError.self) { try database.upsertPins([a, b], mode: .direct, name: nil, now: Date()) }
        #expect(try database.pin(for: a) == nil)  // rolled back with the transaction
    }
}
