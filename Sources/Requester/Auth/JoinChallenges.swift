import Foundation
import PoolAPI
import Provenance
import Synchronization

/// The join challenges this requester issued and not yet saw answered, and the check of a join's
/// proof of the node key.
///
/// Anyone holding the shared worker token may join, but only as a node whose key they hold: a
/// join issues the named node's credential and revokes its previous one, so without the proof a
/// worker-token holder could take over another node's name (and with it the trust the pool's
/// provenance gives that key). See ``PoolAPI/JoinChallenge`` for why this is a challenge–response.
///
/// Nonces live in memory only: a restart forgets them, which kills every proof made before it
/// (the agent asks for a new challenge on each join). Each nonce is accepted once and only until
/// it expires.
///
/// Asking for challenges costs the caller nothing, so the table is bounded twice. Each token
/// (the bearer token that asked) has at most ``perToken`` outstanding nonces: past that,
/// ``issue(for:now:)`` refuses with 429 until one is answered or expires, so a token holder
/// asking in a loop cannot push out the nonces other tokens' nodes are about to answer (nor its
/// own, already issued). And the whole table holds at most ``capacity`` nonces, dropping the
/// oldest, which only many tokens at once could reach.
final class JoinChallenges: Sendable {
    /// How long a nonce may wait for its join.
    let lifetime: Duration
    /// Outstanding nonces kept at most.
    let capacity: Int
    /// Outstanding nonces one token may hold.
    let perToken: Int
    /// The requester's did:key, which the signed message names.
    let requester: String

    private struct Table {
        /// Nonce → expiry and the token that asked for it.
        var entries: [String: (expires: Date, token: String)] = [:]
        /// Outstanding nonces per token.
        var counts: [String: Int] = [:]
        /// Nonces in issue order (every nonce has the same lifetime, so also in expiry order);
        /// may still name nonces already used.
        var order: [String] = []

        /// Removes an outstanding nonce; its entry, if it was there.
        mutating func remove(_ nonce: String) -> (expires: Date, token: String)? {
            guard let entry = entries.removeValue(forKey: nonce) else { return nil }
            let left = (counts[entry.token] ?? 1) - 1
            counts[entry.token] = left > 0 ? left : nil
            return entry
        }
    }
    private let table = Mutex(Table())

    init(requester: String, lifetime: Duration, capacity: Int = 10_000, perToken: Int = 8) {
        self.requester = requester
        self.lifetime = lifetime
        self.capacity = max(1, capacity)
        self.perToken = max(1, perToken)
    }

    /// A new single-use challenge for the bearer token `token` (its id).
    ///
    /// - Throws: ``RequesterError/Code/tooManyRequests`` (429) when `token` already has
    ///   ``perToken`` outstanding nonces.
    func issue(for token: String, now: Date = Date()) throws -> JoinChallenge {
        var generator = SystemRandomNumberGenerator()  // getrandom(2): cryptographically secure
        let bytes = (0..<32).map { _ in UInt8.random(in: 0 ... .max, using: &generator) }
        let nonce = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let expires = now + lifetime.timeInterval
        let (perToken, lifetime) = (self.perToken, self.lifetime)
        try table.withLock { table in
            Self.prune(&table, now: now, keeping: capacity)
            if let held = table.counts[token], held >= perToken {
                throw RequesterError(.tooManyRequests,
                    "this token has \(held) join challenges outstanding (at most \(perToken)): join with one of them, or ask again when one expires (they live \(lifetime))")
            }
            Self.prune(&table, now: now, keeping: capacity - 1)
            table.entries[nonce] = (expires, token)
            table.counts[token, default: 0] += 1
            table.order.append(nonce)
        }
        return JoinChallenge(nonce: nonce, requester: requester, expires: expires)
    }

    /// Number of outstanding (issued, unused, unexpired) nonces.
    func outstanding(now: Date = Date()) -> Int {
        table.withLock { table in
            Self.prune(&table, now: now, keeping: capacity)
            return table.entries.count
        }
    }

    /// Checks that `join` proves possession of the key of the node it names, and spends the nonce.
    ///
    /// The signature is checked before the nonce is spent, so a forged join cannot burn the nonce
    /// the genuine node is about to use; spending is atomic, so of two joins carrying the same
    /// proof only the first passes.
    ///
    /// - Throws: ``RequesterError/Code/unauthorized`` (401) for a missing, malformed, wrongly
    ///   signed, unknown, expired or already used proof.
    func verify(_ join: JoinRequest, node: DIDKey, now: Date = Date()) throws {
        guard let proof = join.proof else {
            throw RequesterError(.unauthorized,
                "the join has no proof of the node key: sign a nonce from POST \(PoolAPI.Path.challenge) with the key of \(join.node)")
        }
        guard let signature = proof.signatureBytes else {
            throw RequesterError(.unauthorized, "the join proof's signature is not base64 of a 64-byte Ed25519 signature")
        }
        guard isOutstanding(proof.nonce, now: now) else {
            throw RequesterError(.unauthorized,
                "the join proof's nonce is unknown, expired or already used; ask POST \(PoolAPI.Path.challenge) for a new one")
        }
        let message = JoinProof.message(requester: requester, nonce: proof.nonce, join: join)
        guard node.isValidSignature(signature, for: message) else {
            throw RequesterError(.unauthorized,
                "the join proof is not a signature by the key of \(join.node) over this requester's nonce and the join's url, capacity and labels (\(JoinProof.domain))")
        }
        guard spend(proof.nonce, now: now) else {
            throw RequesterError(.unauthorized, "the join proof's nonce was already used")
        }
    }

    private func isOutstanding(_ nonce: String, now: Date) -> Bool {
        table.withLock { table in table.entries[nonce].map { now < $0.expires } ?? false }
    }

    /// Removes `nonce`; whether it was outstanding.
    private func spend(_ nonce: String, now: Date) -> Bool {
        table.withLock { table in
            guard let entry = table.remove(nonce) else { return false }
            return now < entry.expires
        }
    }

    /// Drops expired nonces, then the oldest until at most `keeping` remain.
    private static func prune(_ table: inout Table, now: Date, keeping: Int) {
        var drop = 0
        for nonce in table.order {
            guard let entry = table.entries[nonce] else {
                drop += 1  // already used
                continue
            }
            guard entry.expires <= now || table.entries.count > keeping else { break }
            _ = table.remove(nonce)
            drop += 1
        }
        if drop > 0 { table.order.removeFirst(drop) }
        // Used nonces behind a live one wait for it to expire; compact when they pile up.
        if table.order.count > 2 * max(keeping, table.entries.count) + 64 {
            table.order.removeAll { table.entries[$0] == nil }
        }
    }
}
