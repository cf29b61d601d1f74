import Foundation
import GRDB

extension JobStore {
    static let tokenColumns = "id, secret_hash, role, note, node, created, revoked"

    /// Stores a new token.
    ///
    /// - Throws: ``JobStoreError/Code/database`` (also when the id is taken).
    public func insertToken(_ token: TokenRecord) throws {
        try write("create token \(token.id)") { db in
            try db.execute(
                sql: "INSERT INTO pool_token (\(Self.tokenColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    token.id, Data(token.secretHash), token.role, token.note, token.node, Self.seconds(token.created),
                    Self.seconds(token.revoked),
                ])
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

    /// Revokes a token (revoking it again keeps the first revocation time).
    ///
    /// - Throws: ``JobStoreError/Code/notFound``.
    @discardableResult
    public func revokeToken(id: String, at date: Date = Date()) throws -> TokenRecord {
        try write("revoke token \(id)") { db in
            try db.execute(
                sql: "UPDATE pool_token SET revoked = COALESCE(revoked, ?) WHERE id = ?", arguments: [Self.seconds(date), id])
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
            id: row["id"], secretHash: Array(hash), role: row["role"], note: row["note"], node: row["node"],
            created: date(row["created"]) ?? Date(timeIntervalSince1970: 0), revoked: date(row["revoked"]))
    }
}
