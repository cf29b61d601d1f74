import Foundation
import Logging

/// How a requester runs: where it keeps its state, where it listens, and the pool's timing.
///
/// ```swift
/// var configuration = RequesterConfiguration(home: "/var/lib/shoal", host: "0.0.0.0", port: 8420)
/// configuration.lease = .seconds(30)
/// let requester = try Requester(configuration: configuration)
/// try await requester.run()
/// ```
public struct RequesterConfiguration: Sendable {
    /// The certificate chain and private key (PEM files) for HTTPS.
    public struct TLSFiles: Sendable, Hashable {
        public var certificate: String
        public var privateKey: String
        public init(certificate: String, privateKey: String) {
            self.certificate = certificate
            self.privateKey = privateKey
        }
    }

    /// Size limits of request bodies (413 past them).
    public struct Limits: Sendable, Hashable {
        /// JSON bodies (job submissions, joins, heartbeats, reports).
        public var jsonBody: Int = 4 << 20
        /// One `POST /api/v1/blocks` CAR stream.
        public var blockUpload: Int = 4 << 30
        /// One log append.
        public var logAppend: Int = 4 << 20
        /// One execution's stdout or stderr kept while it runs.
        public var logFile: Int = 256 << 20
        public init() {}
    }

    /// `$SHOAL_HOME`: the block repository, `jobs.sqlite`, the identity (the pool key), `admin.token`.
    public var home: String
    public var host: String
    /// 0 picks a free port (tests); see ``Requester/url``.
    public var port: Int
    public var tls: TLSFiles?
    /// The URL workers are told to fetch uploaded blocks from (default: the listening address).
    public var advertisedURL: String?
    /// How long an assignment's lease lasts without a heartbeat of its node.
    public var lease: Duration = .seconds(30)
    /// How long a join challenge (the nonce a joining node signs with its key) stays valid.
    /// Workers sign it at once; the lifetime only has to cover one round trip.
    public var joinChallengeLifetime: Duration = .seconds(60)
    /// Join challenges one bearer token may hold unanswered; more are refused (429) until one is
    /// answered or expires, so a token holder asking in a loop cannot crowd out other joins.
    public var joinChallengesPerToken = 8
    /// How often workers are asked to heartbeat.
    public var heartbeat: Duration = .seconds(5)
    /// How long a peer ticket lives; `nil` (the default) is three heartbeat intervals as workers
    /// are told them (``heartbeatSeconds``), within ``peerTicketBounds``. Every heartbeat answer
    /// brings a fresh ticket, so a node revoked (or gone silent) loses peer access this long
    /// after its last heartbeat, plus the verifiers' ``PoolAPI/PeerTicket/clockSkew``.
    public var peerTicketLifetime: Duration?
    /// How long a `preferred` task waits for a busy node holding its inputs.
    public var preferredWindow: Duration = .seconds(30)
    /// Re-queues of a lost step when its spec leaves `retries` at 0.
    public var defaultRetries = 2
    /// The wait before the first re-queue of a lost step; it doubles with each loss.
    public var retryBackoff: Duration = .seconds(1)
    public var maxRetryBackoff: Duration = .seconds(30)
    /// How often waiting tasks are decided again even when nothing changed (windows, timeouts).
    public var placementInterval: Duration = .milliseconds(500)
    /// How often expired leases and silent nodes are looked for.
    public var reaperInterval: Duration = .milliseconds(500)
    /// Steps one job may have in flight at once (placement decides where and when they run).
    public var jobConcurrency = 10_000
    /// How long a graceful shutdown may take before what is left is cancelled.
    public var shutdownGrace: Duration = .seconds(15)
    public var limits = Limits()
    public var logger: Logger

    public init(home: String, host: String = "127.0.0.1", port: Int = 8420, tls: TLSFiles? = nil, logger: Logger? = nil) {
        self.home = home
        self.host = host
        self.port = port
        self.tls = tls
        self.logger = logger ?? Logger(label: "shoal.requester")
    }

    /// What a peer ticket's lifetime may be: long enough to survive a missed heartbeat, short
    /// enough that a revoked node is shut out within minutes at worst.
    public static let peerTicketBounds: ClosedRange<Duration> = .seconds(3) ... .seconds(600)

    /// The heartbeat interval workers are told, in whole seconds.
    var heartbeatSeconds: Int { Self.wholeSeconds(heartbeat) }

    /// The lifetime of the peer tickets this requester signs (see ``peerTicketLifetime``).
    var effectivePeerTicketLifetime: Duration {
        let wanted = peerTicketLifetime ?? .seconds(3 * heartbeatSeconds)
        return min(max(wanted, Self.peerTicketBounds.lowerBound), Self.peerTicketBounds.upperBound)
    }

    /// The seconds of a duration, rounded up, at least 1 (what workers are told).
    static func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }
}

extension Duration {
    /// The duration in seconds as a `TimeInterval`.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
