import Synchronization

/// Input bytes this node read locally and fetched from peers, since the requester last heard.
///
/// Each heartbeat reports a ``snapshot()`` and, once the requester answered, ``subtract(_:)``s
/// it: bytes counted while a heartbeat is on its way go into the next one, and a heartbeat that
/// failed loses nothing. ``totals`` keeps the all-time sums for the worker's `/metrics`.
public final class InputCounters: Sendable {
    public struct Counts: Sendable, Hashable {
        public var fetchedBytes: Int64 = 0
        public var localBytes: Int64 = 0
        public init(fetchedBytes: Int64 = 0, localBytes: Int64 = 0) {
            self.fetchedBytes = fetchedBytes
            self.localBytes = localBytes
        }
    }

    private let state = Mutex<(pending: Counts, totals: Counts)>((Counts(), Counts()))

    public init() {}

    /// Counts bytes of an input read from this node's own store.
    public func addLocal(_ bytes: Int64) {
        state.withLock { $0.pending.localBytes += bytes; $0.totals.localBytes += bytes }
    }

    /// Counts bytes of an input fetched from a peer or the requester.
    public func addFetched(_ bytes: Int64) {
        state.withLock { $0.pending.fetchedBytes += bytes; $0.totals.fetchedBytes += bytes }
    }

    /// What has not been reported yet.
    public func snapshot() -> Counts { state.withLock { $0.pending } }

    /// Takes a reported snapshot off the pending counts.
    public func subtract(_ reported: Counts) {
        state.withLock { state in
            state.pending.fetchedBytes -= reported.fetchedBytes
            state.pending.localBytes -= reported.localBytes
        }
    }

    /// Everything counted since the agent started.
    public var totals: Counts { state.withLock { $0.totals } }
}
