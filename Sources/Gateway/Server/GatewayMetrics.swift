import IPLD
import Synchronization

/// What one gateway response carried, reported when it ends.
public struct ServedResponse: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable { case raw, car }

    public let format: Format
    public let cid: CID
    /// Blocks sent.
    public let blocks: Int
    /// Block bytes sent (CAR framing not counted).
    public let bytes: Int
    /// `false` when a CAR stream ended early (a block missing, withheld or corrupt, or the
    /// client went away).
    public let complete: Bool
}

/// Receives what the gateway served, for Prometheus counters or logs.
///
/// The requester and worker connect their metrics here; ``GatewayCounters`` keeps totals in
/// memory. Called on the request's task: implementations must be quick and must not block.
public protocol GatewayMetrics: Sendable {
    /// A response finished (successfully or not) after its headers were sent.
    func served(_ response: ServedResponse)
    /// A request was refused with `status` (400, 404, 406, 412, 500) before any block was sent.
    func refused(status: Int)
}

extension GatewayMetrics {
    public func refused(status: Int) {}
}

/// Reports nothing.
public struct NoGatewayMetrics: GatewayMetrics {
    public init() {}
    public func served(_ response: ServedResponse) {}
}

/// Totals of what a gateway served, kept in memory.
public final class GatewayCounters: GatewayMetrics {
    /// A snapshot of the totals.
    public struct Totals: Sendable, Hashable {
        public var rawResponses = 0
        public var carResponses = 0
        /// CAR streams that ended before the walk finished.
        public var incompleteResponses = 0
        public var blocks = 0
        public var bytes = 0
        /// Refused requests by HTTP status.
        public var refused: [Int: Int] = [:]
    }

    private let state = Mutex(Totals())

    public init() {}

    public func served(_ response: ServedResponse) {
        state.withLock { totals in
            switch response.format {
            case .raw: totals.rawResponses += 1
            case .car: totals.carResponses += 1
            }
            if !response.complete { totals.incompleteResponses += 1 }
            totals.blocks += response.blocks
            totals.bytes += response.bytes
        }
    }

    public func refused(status: Int) {
        state.withLock { $0.refused[status, default: 0] += 1 }
    }

    /// The totals so far.
    public var totals: Totals { state.withLock { $0 } }
}
