import Foundation
import Gateway
import IPLD
import JobStore
import PoolAPI
import Synchronization

/// The pool's bearer tokens: makes them, checks them, revokes them.
///
/// A token reads `shoal_<id>_<secret>`: twelve hex characters of id, then 64 of secret (32
/// random bytes). The store keeps the id, the role and the SHA-256 of the secret, never the
/// secret: checking a token finds the record by id and compares the secret's hash with the
/// stored one in constant time. Records are cached in memory (the requester is the only
/// writer), so checking a token costs one hash and no database read.
///
/// One secret lives in a file of the requester's home, mode 0600, written on first start:
/// `admin.token` (an admin token, so the operator can create the others).
///
/// The authority is also the gateway's ``Gateway/BearerTokenVerifier``: the requester's `/ipfs`
/// accepts client, admin and node tokens, so a node whose credential is revoked is refused there
/// at once. There is no shared peer token any more: nodes read each other's gateways with signed
/// ``PoolAPI/PeerTicket``s (``PeerTicketIssuer``), which the requester's gateway does not accept.
/// A `peer.token` file an older requester left in its home is ignored.
public final class TokenAuthority: BearerTokenVerifier, Sendable {
    /// The file names in the home folder.
    public static let adminTokenFile = "admin.token"

    let store: JobStore
    private let cache: Mutex<[String: TokenRecord]>

    /// Loads the tokens of `store`.
    public init(store: JobStore) throws {
        self.store = store
        let records = try store.tokens()
        cache = Mutex(Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) }))
    }

    // MARK: Making tokens

    /// Creates a token and returns its record and its full text (shown once).
    public func create(role: TokenRole, note: String? = nil, node: String? = nil) throws -> (record: TokenRecord, token: String) {
        let id = Self.randomHex(6)
        let secret = Self.randomHex(32)
        let record = TokenRecord(id: id, secretHash: Self.hash(secret), role: role.rawValue, note: note, node: node)
        try store.insertToken(record)
        cache.withLock { $0[id] = record }
        return (record, "shoal_\(id)_\(secret)")
    }

    /// A new credential for `node`, obtained with the token `issuedBy` (its id): it replaces
    /// the node's earlier credentials, which stop working (their rows are deleted, so a node
    /// that joins again and again keeps one), and is revoked with `issuedBy`.
    public func issueNodeCredential(node: String, issuedBy: String?) throws -> String {
        let id = Self.randomHex(6)
        let secret = Self.randomHex(32)
        let record = TokenRecord(
            id: id, secretHash: Self.hash(secret), role: TokenRole.node.rawValue, note: "credential of \(node)", node: node,
            issuedBy: issuedBy)
        let replaced = try store.replaceNodeCredential(record)
        cache.withLock { cache in
            for old in replaced { cache[old] = nil }
            cache[id] = record
        }
        return "shoal_\(id)_\(secret)"
    }

    /// Writes an admin token to `home/admin.token` (0600) unless the file exists.
    ///
    /// - Returns: whether a token was created.
    @discardableResult
    public func ensureAdminToken(home: String) throws -> Bool {
        let path = home + "/" + Self.adminTokenFile
        if FileManager.default.fileExists(atPath: path) { return false }
        var created = false
        _ = try Self.readOrCreate(file: path) {
            created = true
            return try self.create(role: .admin, note: "written to \(Self.adminTokenFile) on first start").token
        }
        return created
    }

    /// What one revocation revoked.
    public struct Revocation: Sendable {
        /// The token revoked.
        public var token: TokenRecord
        /// The node credentials obtained with it, revoked with it.
        public var credentials: [TokenRecord]

        /// The nodes left without a working credential: those of ``credentials``, and the
        /// node of ``token`` when it is a node credential.
        public var nodes: [String] {
            var nodes = credentials.compactMap(\.node)
            if token.role == TokenRole.node.rawValue, let node = token.node { nodes.append(node) }
            return Array(Set(nodes)).sorted()
        }
    }

    /// Revokes a token and the node credentials obtained with it (a revoked worker token keeps
    /// no node in the pool).
    ///
    /// - Throws: ``RequesterError/Code/notFound``.
    public func revoke(id: String) throws -> Revocation {
        do {
            let record = try store.revokeToken(id: id)
            let credentials = try store.nodeCredentials(issuedBy: id)
            cache.withLock { cache in
                cache[id] = record
                for credential in credentials { cache[credential.id] = credential }
            }
            return Revocation(token: record, credentials: credentials)
        } catch let error as JobStoreError where error.code == .notFound {
            throw RequesterError(.notFound, "no token with id \(id)")
        }
    }

    /// The nodes a revocation at or after `date` left without a working credential (a node that
    /// joined again with another token since is not one): their peer tickets may still be
    /// valid, so heartbeat answers name them and workers refuse those tickets at once.
    public func nodesRevoked(since date: Date) -> [String] {
        cache.withLock { cache in
            var revoked = Set<String>(), working = Set<String>()
            for record in cache.values where record.role == TokenRole.node.rawValue {
                guard let node = record.node else { continue }
                if let when = record.revoked {
                    if when >= date { revoked.insert(node) }
                } else {
                    working.insert(node)
                }
            }
            return revoked.subtracting(working).sorted()
        }
    }

    /// Every token, oldest first.
    public func list() -> [TokenRecord] {
        cache.withLock { Array($0.values) }.sorted { ($0.created, $0.id) < ($1.created, $1.id) }
    }

    // MARK: Checking tokens

    /// The principal of a valid token (its record exists, is not revoked and the secret's hash
    /// matches), else `nil`.
    public func verify(_ token: String) -> Principal? {
        if case .valid(let principal) = authenticate(token) { return principal }
        return nil
    }

    /// What a bearer token is: valid (its principal), revoked (its secret matches a revoked
    /// token: the caller is told so), or invalid (unknown, malformed, wrong secret).
    func authenticate(_ token: String) -> Authentication {
        let parts = token.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "shoal", let record = cache.withLock({ $0[String(parts[1])] }),
              Self.constantTimeEqual(Self.hash(String(parts[2])), record.secretHash), let role = TokenRole(rawValue: record.role)
        else { return .invalid }
        guard record.revoked == nil else { return .revoked(role) }
        return .valid(Principal(tokenID: record.id, role: role, node: record.node))
    }

    /// The gateway's check: a client, admin or node token (a worker token only joins; a peer
    /// ticket opens workers' gateways, not this one).
    public func isValid(_ token: String) async -> Bool {
        guard let principal = verify(token) else { return false }
        return principal.role != .worker
    }

    // MARK: Helpers

    static func hash(_ secret: String) -> [UInt8] { Multihash.sha256(Array(secret.utf8)).digest }

    /// Compares every byte whatever the first difference, so timing says nothing about a guess.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }

    static func randomHex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// The first line of `file`, or a new secret from `make` written to it (mode 0600, created
    /// exclusively, so two processes starting at once agree on one secret).
    static func readOrCreate(file: String, make: () throws -> String) throws -> String {
        if let text = try? String(contentsOfFile: file, encoding: .utf8) {
            let line = text.split(separator: "\n").first.map(String.init) ?? ""
            guard !line.isEmpty else { throw RequesterError(.internalError, "\(file) is empty") }
            return line
        }
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0, errno == EEXIST { return try readOrCreate(file: file, make: make) }
        guard fd >= 0 else {
            throw RequesterError(.internalError, "cannot create \(file): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let secret = try make()
        let bytes = Array((secret + "\n").utf8)
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw RequesterError(.internalError, "cannot write \(file): \(String(cString: strerror(errno)))")
        }
        return secret
    }
}
