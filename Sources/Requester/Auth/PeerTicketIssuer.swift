import Foundation
import PoolAPI
import Provenance
import Synchronization

/// Signs the pool's ``PoolAPI/PeerTicket``s with the requester's key: one for each node at its
/// join and heartbeats, and one for the requester itself, for its own fetches from workers'
/// gateways (``OutputFetcher``).
///
/// Nothing is stored: a ticket is checked by its signature alone, and the key (the requester's
/// `identity/ed25519.key`) outlives restarts, so the tickets nodes hold stay valid across one.
final class PeerTicketIssuer: Sendable {
    let identity: NodeIdentity
    let lifetime: Duration
    /// The requester's own ticket, kept until half its lifetime is gone.
    private let own = Mutex<(ticket: PeerTicket, text: String)?>(nil)

    init(identity: NodeIdentity, lifetime: Duration) {
        self.identity = identity
        self.lifetime = lifetime
    }

    /// The requester's did:key, which every ticket names as its pool.
    var pool: DIDKey { identity.didKey }

    /// A fresh ticket for `node`, valid from `now` for ``lifetime``.
    func ticket(for node: DIDKey, now: Date = Date()) throws -> String {
        try PeerTicket(node: node, pool: pool, issued: now, lifetime: lifetime).signed(with: identity)
    }

    /// A ticket naming the requester itself, re-signed once half its lifetime is gone (so a
    /// fetch never sets out with one about to expire, and most fetches sign nothing).
    func ownTicket(now: Date = Date()) throws -> String {
        if let current = own.withLock({ $0 }), now >= current.ticket.issued, now < current.ticket.issued + lifetime.halfSeconds {
            return current.text
        }
        let ticket = PeerTicket(node: pool, pool: pool, issued: now, lifetime: lifetime)
        let text = try ticket.signed(with: identity)
        own.withLock { $0 = (ticket, text) }
        return text
    }
}

extension Duration {
    /// Half the duration, in seconds.
    fileprivate var halfSeconds: TimeInterval { Double(components.seconds) / 2 }
}
