import Foundation
import GRDB

extension JobStore {
    static let tokenColumns = "id, secret_hash, role, note, node, created, revoked, issued_by"

    /// Stores a new token.
    ///
    /// - Throws: ``JobStoreError/Code/database`` (also when the id is taken).
    public func insertToken(_ token: TokenRecord) throws {
        try write("create token \(token.id)") { db in
            try db.execute(
                sql: "INSERT INTO pool_token (\(Self.tokenColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    token.id, Data(token.secretHash), token.role, token.note, token.node, Self.seconds(token.created),
                    Self.seconds(token.revoked), token.issuedBy,
                ])
        }
    }

    /// Stores `credential` as the only credential of its node: every earlier credential of that
    /// node (revoked or not) is deleted in the same transaction, so a node that joins again and
    /// again keeps one row, and its old credential stops working.
    ///
    /// - Returns: the ids deleted.
    /// - Throws: ``JobStoreError/Code/database``; ``JobStoreError/Code/invalidArgument`` when
    ///   `credential` is not a node credential bound to a node.
    @discardableResult
    public func replaceNodeCredential(_ credential: TokenRecord) throws -> [String] {
        guard credential.role == "node", let node = credential.node else {
            throw JobStoreError(.invalidArgument, "token \(credential.id) is not a node credential")
        }
        return try write("replace the credential of \(node)") { db in
            let ids = try String.fetchAll(
                db, sql: "SELECT id FROM pool_token WHERE node = ? AND role = 'node' AND id <> ? ORDER BY id", arguments: [node, credential.id])
            try db.execute(sql: "DELETE FROM pool_token WHERE node = ? AND role = 'node' AND id <> ?", arguments: [node, credential.id])
            try db.execute(
                sql: "INSERT INTO pool_token (\(Self.tokenColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    credential.id, Data(credential.secretHash), credential.role, credential.note, node, Self.seconds(credential.created),
                    Self.seconds(credential.revoked), credential.issuedBy,
                ])
            return ids
        }
    }

    /// The node credentials obtained with the token `id` (revoked or not), oldest first.
    public func nodeCredentials(issuedBy id: String) throws -> [TokenRecord] {
        try read("list the credentials issued by \(id)") { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.tokenColumns) FROM pool_token WHERE issued_by = ? AND role = 'node' ORDER BY created, id",
                arguments: [id]
            ).map(Self.tokenRecord)
        }
    }

    /// The token with this id, revoked or not; `nil` when there is none.
    public func token(id: String) throws -> TokenRecord? {
        try read("read token \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.tokenColumns) FROM pool_token WHERE id = ?", arguments: [id])
                .map(Self.tokenRecord)
        }
    }

    /// Every token, oldest first.
    public func tokens() throws -> [TokenRecord] {
        try read("list tokens") { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.tokenColumns) FROM pool_token ORDER BY created, id").map(Self.tokenRecord)
        }
    }

    /// Revokes a token (revoking it again keeps the first revocation time), and in the same
    /// transaction every node credential obtained with it (``nodeCredentials(issuedBy:)``): a
    /// revoked worker token keeps no node in the pool.
    ///
    /// - Throws: ``JobStoreError/Code/notFound``.
    @discardableResult
    public func revokeToken(id: String, at date: Date = Date()) throws -> TokenRecord {
        try write("revoke token \(id)") { db in
            try db.execute(
                sql: "UPDATE pool_token SET revoked = COALESCE(revoked, ?) WHERE id = ? OR (issued_by = ? AND role = 'node')",
                arguments: [Self.seconds(date), id, id])
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.tokenColumns) FROM pool_token WHERE id = ?", arguments: [id])
            else { throw JobStoreError(.notFound, "no token with id \(id)") }
            return try Self.tokenRecord(row)
        }
    }

    /// Revokes every credential bound to `node` except `keeping` (a node that joins again gets a
    /// new credential, and the old one stops working).
    ///
    /// - Returns: the ids revoked.
    @discardableResult
    public func revokeNodeCredentials(node: String, keeping: String?, at date: Date = Date()) throws -> [String] {
        try write("revoke credentials of \(node)") { db in
            let ids = try String.fetchAll(
                db, sql: "SELECT id FROM pool_token WHERE node = ? AND revoked IS NULL AND id IS NOT ?",
                arguments: [node, keeping])
            try db.execute(
                sql: "UPDATE pool_token SET revoked = ? WHERE node = ? AND revoked IS NULL AND id IS NOT ?",
                arguments: [Self.seconds(date), node, keeping])
            return ids
        }
    }

    static func tokenRecord(_ row: Row) throws -> TokenRecord {
        let hash: Data = row["secret_hash"]
        return TokenRecord(
            id: row["id"], secretHash: Array(hash), role: row["role"], note: row["note"], node: row["node"], issuedBy: row["issued_by"],
            created: date(row["created"]) ?? Date(timeIntervalSince1970: 0), revoked: date(row["revoked"]))
    }
}
