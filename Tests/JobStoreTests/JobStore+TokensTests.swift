import Foundation
import GRDB
import Testing
@testable import JobStore

/// Tokens: a node keeps one credential however often it joins, and revoking a worker token
/// revokes the node credentials obtained with it.
@Suite struct JobStoreTokensTests {
    static func credential(_ id: String, node: String, issuedBy: String?) -> TokenRecord {
        TokenRecord(id: id, secretHash: Array(repeating: 1, count: 32), role: "node", note: "credential of \(node)", node: node, issuedBy: issuedBy)
    }

    static func worker(_ id: String) -> TokenRecord {
        TokenRecord(id: id, secretHash: Array(repeating: 2, count: 32), role: "worker")
    }

    @Test func aRejoinReplacesTheNodesCredentialInsteadOfAddingARow() throws {
        let fixture = try StoreFixture()
        try fixture.store.insertToken(Self.worker("w1"))
        for round in 1...5 {
            let deleted = try fixture.store.replaceNodeCredential(Self.credential("c\(round)", node: "n1", issuedBy: "w1"))
            #expect(deleted == (round == 1 ? [] : ["c\(round - 1)"]))
        }
        try fixture.store.replaceNodeCredential(Self.credential("d1", node: "n2", issuedBy: "w1"))
        let tokens = try fixture.store.tokens()
        #expect(tokens.map(\.id).sorted() == ["c5", "d1", "w1"])
        #expect(try fixture.store.token(id: "c5")?.issuedBy == "w1")
        // Only node credentials can be stored this way.
        #expect(throws: JobStoreError.self) { try fixture.store.replaceNodeCredential(Self.worker("w2")) }
        #expect(try fixture.store.token(id: "w2") == nil)
    }

    @Test func revokingAWorkerTokenRevokesTheCredentialsObtainedWithItOnly() throws {
        let fixture = try StoreFixture()
        try fixture.store.insertToken(Self.worker("w1"))
        try fixture.store.insertToken(Self.worker("w2"))
        try fixture.store.replaceNodeCredential(Self.credential("c1", node: "n1", issuedBy: "w1"))
        try fixture.store.replaceNodeCredential(Self.credential("c2", node: "n2", issuedBy: "w2"))
        try fixture.store.replaceNodeCredential(Self.credential("c3", node: "n3", issuedBy: "w1"))
        let revokedAt = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try fixture.store.revokeToken(id: "w1", at: revokedAt).isRevoked)
        #expect(try fixture.store.nodeCredentials(issuedBy: "w1").map(\.id) == ["c1", "c3"])
        #expect(try fixture.store.nodeCredentials(issuedBy: "w1").allSatisfy { $0.revoked == revokedAt })
        #expect(try fixture.store.token(id: "c2")?.isRevoked == false)
        #expect(try fixture.store.token(id: "w2")?.isRevoked == false)
        // Revoking again keeps the first time, for the token and its credentials.
        try fixture.store.revokeToken(id: "w1", at: revokedAt + 60)
        #expect(try fixture.store.token(id: "c1")?.revoked == revokedAt)
        // A node that joins again with another token gets a working credential, and the revoked row is gone.
        try fixture.store.replaceNodeCredential(Self.credential("c4", node: "n1", issuedBy: "w2"))
        #expect(try fixture.store.token(id: "c1") == nil)
        #expect(try fixture.store.token(id: "c4")?.isRevoked == false)
    }

    @Test func theIssuerMigrationDropsTheRevokedCredentialsEarlierRejoinsLeft() throws {
        let fixture = try StoreFixture()
        let path = fixture.folder.path + "/old.sqlite"
        let old = try JobStore(path: path, migrating: false)
        try old.migrate(upTo: JobStore.Migration.poolExecutions)
        try old.pool.write { db in
            for (id, revoked) in [("c1", 1.0), ("c2", 2.0), ("c3", nil)] as [(String, Double?)] {
                try db.execute(
                    sql: "INSERT INTO pool_token (id, secret_hash, role, note, node, created, revoked) VALUES (?, ?, 'node', NULL, 'n1', 0, ?)",
                    arguments: [id, Data([1]), revoked])
            }
            try db.execute(sql: "INSERT INTO pool_token (id, secret_hash, role, note, node, created, revoked) VALUES ('w1', ?, 'worker', NULL, NULL, 0, 5)", arguments: [Data([2])])
        }
        let store = try JobStore(path: path)
        #expect(try store.tokens().map(\.id).sorted() == ["c3", "w1"])
        #expect(try store.token(id: "c3")?.issuedBy == nil)
    }
}
