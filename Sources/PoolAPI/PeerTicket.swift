import Foundation
import IPLD
import Provenance

/// A node's short-lived, signed permission to read the pool's gateways: what peers present to
/// each other's `/ipfs` routes instead of a shared secret.
///
/// The requester signs one for each node with its own key (its did:key names the pool) at the
/// join and again with every heartbeat answer. A worker's gateway checks it offline, against the
/// requester key it learned at its own join: no call to the requester per read, and it knows who
/// reads. A node whose credential is revoked can no longer heartbeat, so it gets no new ticket and
/// loses peer access when its last one expires (the lifetime is a few heartbeat intervals).
///
/// ## Encoding
///
/// A ticket is one bearer token, three parts joined by `.`:
///
/// ```
/// shoal-peer/1.<base64url payload>.<base64url signature>
/// ```
///
/// base64url is RFC 4648 §5 without padding. The payload is four UTF-8 lines, in this order,
/// each ending in a newline (times are whole seconds since the Unix epoch, UTC):
///
/// ```
/// node did:key:z6Mk…       the node allowed to read
/// pool did:key:z6Mk…       the requester that signed (names the pool)
/// issued 1764377052
/// expires 1764377067
/// ```
///
/// The signature is the pool key's Ed25519 signature over ``message(payload:)``: the line
/// `shoal-peer/1` then the payload bytes exactly as carried. The first line is a domain separator,
/// so a ticket signature can never pass for a join proof, an attestation or anything else the
/// requester key signs, nor the other way round. The signed bytes are the transmitted bytes, so
/// nothing needs a canonical form.
///
/// ```swift
/// let text = try PeerTicket(node: node, pool: requester.didKey, issued: now, lifetime: .seconds(15)).signed(with: requester)
/// let ticket = try PeerTicket.verify(text, pool: requesterDID)   // throws PeerTicket.Refusal
/// ```
public struct PeerTicket: Sendable, Hashable {
    /// The did:key of the node the ticket lets read.
    public var node: DIDKey
    /// The did:key of the requester that signs it: the pool it is valid in.
    public var pool: DIDKey
    public var issued: Date
    public var expires: Date

    /// The first part of every ticket, and the first line of every signed message.
    public static let version = "shoal-peer/1"
    /// How far a verifier's clock may be from the requester's: a ticket is accepted until
    /// `expires` plus this, and refused when it was issued more than this in the future.
    public static let clockSkew: Duration = .seconds(5)
    /// Tickets longer than this are refused before any decoding (a real one is about 330 bytes).
    static let maximumLength = 1024

    /// A ticket for `node` in `pool`, valid from `issued` (rounded down to a whole second) for `lifetime`.
    public init(node: DIDKey, pool: DIDKey, issued: Date, lifetime: Duration) {
        let start = Date(timeIntervalSince1970: issued.timeIntervalSince1970.rounded(.down))
        self.init(node: node, pool: pool, issued: start, expires: start + max(1, Double(lifetime.components.seconds)))
    }

    public init(node: DIDKey, pool: DIDKey, issued: Date, expires: Date) {
        self.node = node
        self.pool = pool
        self.issued = issued
        self.expires = expires
    }

    /// The payload lines (see the type's documentation).
    public var payload: [UInt8] {
        Array("node \(node)\npool \(pool)\nissued \(Self.seconds(issued))\nexpires \(Self.seconds(expires))\n".utf8)
    }

    /// The exact bytes the pool key signs: `shoal-peer/1`, a newline, then `payload`.
    public static func message(payload: [UInt8]) -> [UInt8] {
        Array((version + "\n").utf8) + payload
    }

    /// The ticket's text, signed by `pool` (the requester's identity).
    ///
    /// - Throws: ``Provenance/ProvenanceError`` when `pool` is not the key ``pool`` names.
    public func signed(with pool: NodeIdentity) throws -> String {
        guard pool.didKey == self.pool else {
            throw ProvenanceError(.invalidDIDKey, "the ticket names pool \(self.pool) but the key is \(pool.didKey)")
        }
        let payload = payload
        let signature = try pool.signature(for: Self.message(payload: payload))
        return "\(Self.version).\(Base64URL.encode(payload)).\(Base64URL.encode(signature))"
    }

    // MARK: Verifying

    /// Why a ticket is refused: one line, never the ticket itself.
    public enum Refusal: String, Error, Sendable, CustomStringConvertible {
        /// Not `shoal-peer/1.<payload>.<signature>`, or a payload that is not the four lines.
        case malformed
        /// The signature is not the pool key's over this payload (tampered, or another key).
        case badSignature = "bad-signature"
        /// Signed for (and by) another pool.
        case otherPool = "other-pool"
        case expired
        /// Issued later than the clock skew allows: the clocks disagree too much.
        case notYetValid = "not-yet-valid"

        public var description: String {
            switch self {
            case .malformed: "the peer ticket is not a shoal-peer/1 ticket"
            case .badSignature: "the peer ticket's signature is not the pool's"
            case .otherPool: "the peer ticket is for another pool"
            case .expired: "the peer ticket has expired"
            case .notYetValid: "the peer ticket was issued in the future (check the clocks)"
            }
        }
    }

    /// The ticket `text`, once it is well formed, names `pool`, carries `pool`'s signature and
    /// is valid at `now` (within ``clockSkew``).
    ///
    /// The pool is checked before the signature, so a ticket of another pool is told apart from
    /// a forged one; both are refused.
    public static func verify(_ text: String, pool: DIDKey, now: Date = Date(), skew: Duration = clockSkew) throws(Refusal) -> PeerTicket {
        guard text.utf8.count <= maximumLength else { throw .malformed }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == version, let payload = Base64URL.decode(parts[1]),
              let signature = Base64URL.decode(parts[2]), let ticket = parse(payload)
        else { throw .malformed }
        guard ticket.pool == pool else { throw .otherPool }
        guard signature.count == 64, pool.isValidSignature(signature, for: message(payload: payload)) else { throw .badSignature }
        let allowance = Double(skew.components.seconds)
        guard now.timeIntervalSince(ticket.expires) <= allowance else { throw .expired }
        guard ticket.issued.timeIntervalSince(now) <= allowance else { throw .notYetValid }
        return ticket
    }

    /// The payload's four lines, strictly: labels in order, one space, did:keys, decimal seconds.
    static func parse(_ payload: [UInt8]) -> PeerTicket? {
        guard let text = String(validating: payload, as: UTF8.self) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 5, lines[4].isEmpty else { return nil }
        func value(_ line: Substring, _ label: String) -> Substring? {
            line.hasPrefix(label + " ") ? line.dropFirst(label.count + 1) : nil
        }
        func time(_ text: Substring?) -> Date? {
            guard let text, !text.isEmpty, text.count <= 12, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber),
                  let seconds = Int64(text) else { return nil }
            return Date(timeIntervalSince1970: Double(seconds))
        }
        // A did:key in its one text form (no `#fragment`), so each ticket has one payload.
        func did(_ text: Substring?) -> DIDKey? {
            guard let text, let key = try? DIDKey(text), key.string == text else { return nil }
            return key
        }
        guard let node = did(value(lines[0], "node")), let pool = did(value(lines[1], "pool")),
              let issued = time(value(lines[2], "issued")), let expires = time(value(lines[3], "expires")), issued <= expires
        else { return nil }
        return PeerTicket(node: node, pool: pool, issued: issued, expires: expires)
    }

    static func seconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded(.down)) }
}
