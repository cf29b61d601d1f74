import Foundation
import Provenance

/// `POST /api/v1/nodes/challenge` (bearer: a worker token): a single-use nonce a joining node
/// signs with its key to prove it is the node it names.
///
/// The join is a challenge–response rather than a signed timestamp, for three reasons:
///
/// - **No shared clock.** Workers run on other machines; a timestamp window would lock out a node
///   whose clock drifted, silently and only on some machines. A nonce needs no clock agreement.
/// - **Replays die, even across restarts.** A nonce is accepted once, within ``expires``. The
///   requester keeps outstanding nonces in memory only, so a restart forgets them all and every
///   proof made before it becomes useless; a signed-timestamp scheme would need a persisted
///   replay cache to give the same guarantee.
/// - **Bound to this requester.** The nonce only means something to the requester that issued it,
///   and the signed message also names the requester's did:key (``requester``), so a proof made
///   for one pool cannot be spent at another.
///
/// The cost is one more round trip per join, and joins are rare (start, restart, or after the
/// requester forgot the node).
public struct JoinChallenge: Codable, Sendable, Hashable {
    /// Random, single-use (base64url of 32 bytes).
    public var nonce: String
    /// The did:key of the requester that issued the nonce (the signed message names it).
    public var requester: String
    /// After this the requester no longer accepts the nonce; ask for a new one.
    public var expires: Date

    public init(nonce: String, requester: String, expires: Date) {
        self.nonce = nonce
        self.requester = requester
        self.expires = expires
    }
}

/// A node key's answer to a ``JoinChallenge``, carried by ``JoinRequest/proof``.
///
/// The signature is Ed25519 by the key the joining did:key encodes, over
/// ``message(requester:nonce:join:)``. It binds the node, its capacity and labels (what the
/// scheduler places steps by: a proof cannot be replayed, or the join altered on the way, to
/// claim other resources or labels such as `region=eu` for the node's name), its gateway URL
/// (where peers and the requester will fetch its blocks), the requester and the nonce. Pins are
/// not signed: the node reports them again with every heartbeat, and a proof cannot be lifted
/// into another join because its nonce is spent by the join that carried it.
public struct JoinProof: Codable, Sendable, Hashable {
    /// The nonce of the ``JoinChallenge`` this answers.
    public var nonce: String
    /// Base64 of the 64-byte Ed25519 signature.
    public var signature: String

    public init(nonce: String, signature: String) {
        self.nonce = nonce
        self.signature = signature
    }

    /// The first line of every signed join message: a domain separator, so a join signature can
    /// never be taken for (or made from) a signature of anything else the node key signs (step
    /// CIDs, attestations), and a version for the format (2: capacity and labels are signed).
    public static let domain = "shoal-node-join/2"

    /// The exact bytes a node signs to join: UTF-8 lines `shoal-node-join/2`, `requester <did>`,
    /// `nonce <nonce>`, `node <did>`, `capacity slots=<n> milliCPU=<n> memory=<n> disk=<n>`,
    /// `labels <key>=<value>,…` and `url <url>`, each ending in a newline.
    ///
    /// The fields come in a fixed order with fixed labels. Labels are sorted by key, and every
    /// key and value is percent-encoded (UTF-8; only `A–Z a–z 0–9 - . _ ~` stay as they are), so
    /// no label can hold a `=`, `,` or newline of the format. The dids and the nonce cannot hold a
    /// newline and the free-form url comes last (the requester refuses a url with a control
    /// character), so two different joins never share a message.
    public static func message(requester: String, nonce: String, join: JoinRequest) -> [UInt8] {
        let capacity = join.capacity
        let labels = join.labels.map { (key: percentEncoded($0.key), value: percentEncoded($0.value)) }
            .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return Array("""
            \(domain)
            requester \(requester)
            nonce \(nonce)
            node \(join.node)
            capacity slots=\(capacity.slots) milliCPU=\(capacity.milliCPU) memory=\(capacity.memory) disk=\(capacity.disk)
            labels \(labels)
            url \(join.url)

            """.utf8)
    }

    /// `text` with every UTF-8 byte outside `A–Z a–z 0–9 - . _ ~` written as `%XX`.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// The signature bytes, or `nil` when ``signature`` is not base64 of 64 bytes.
    public var signatureBytes: [UInt8]? {
        guard let data = Data(base64Encoded: signature), data.count == 64 else { return nil }
        return Array(data)
    }
}

extension JoinRequest {
    /// Signs this join with the node's key in answer to `challenge` (sets ``proof``).
    ///
    /// Sign a fresh challenge for every join, including a rejoin after a restart: each nonce is
    /// accepted once.
    ///
    /// - Throws: ``ProvenanceError`` when `identity` is not the node this join names.
    public mutating func sign(with identity: NodeIdentity, challenge: JoinChallenge) throws {
        guard identity.didKey.string == node else {
            throw ProvenanceError(.invalidDIDKey, "the join names \(node) but the key is \(identity.didKey)")
        }
        let message = JoinProof.message(requester: challenge.requester, nonce: challenge.nonce, join: self)
        let signature = try identity.signature(for: message)
        proof = JoinProof(nonce: challenge.nonce, signature: Data(signature).base64EncodedString())
    }

    /// This join signed with `identity` in answer to `challenge`.
    public func signed(with identity: NodeIdentity, challenge: JoinChallenge) throws -> JoinRequest {
        var copy = self
        try copy.sign(with: identity, challenge: challenge)
        return copy
    }
}
