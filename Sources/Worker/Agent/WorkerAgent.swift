import AsyncHTTPClient
import BlockStore
import Foundation
import Gateway
import Hummingbird
import IPLD
import JobStore
import Logging
import PoolAPI
import PoolClient
import Provenance
import Sandbox
import ServiceLifecycle
import UnixSignals

/// `shoal worker`: a node of the pool that runs the steps placed on it, next to its data.
///
/// What the agent does, from start to stop:
///
/// 1. **Start.** Opens its home (repository, job store for the provenance index, identity key),
///    removes what a killed predecessor left (``ExecutionJournal``, scratch folders), checks the
///    host can sandbox (unless ``Configuration/isolation`` says not to, loudly), marks the
///    `--private` pins and withholds every private DAG from its gateway.
/// 2. **Serve.** Starts its gateway (``WorkerGateway``) on ``Configuration/listenHost``:
///    ``Configuration/listenPort``, so peers and the requester can fetch its blocks with their
///    peer tickets (``PoolAPI/PeerTicket``, signed by the requester's key).
/// 3. **Join.** Sends its did:key, gateway URL, labels, capacity (``NodeCapacity``) and full pin
///    list with DAG sizes (``PinInventory``), signed with its node key over a fresh challenge of
///    the requester (the proof that it is the node it names); retries while the requester cannot
///    be reached. It
///    receives a node credential, the requester's did:key (the pool key), its first peer ticket
///    and the pool's timing, plus executions to
///    `abandon` (held before a crash): any it runs are stopped.
/// 4. **Heartbeat** every `heartbeatSeconds`: free capacity, running executions, pin changes,
///    input bytes read locally and fetched. The answer's `cancel` list stops those executions,
///    and its fresh peer ticket replaces the one the node presents to peers;
///    a 404 or 401 (the requester forgot the node, or revoked its credential) makes it join
///    again. When that join is refused too (its worker token was revoked), the agent stops
///    with ``WorkerError/Code/refused``, saying why, instead of trying for ever.
/// 5. **Claim** by long poll as many assignments as slots are free and run each through an
///    ``AssignmentRunner`` (fetch what is missing, ``StepExecutor``, logs, provenance, report).
/// 6. **Stop** on SIGTERM or SIGINT: no new claims; running steps get
///    ``Configuration/drainTimeout`` to finish (and are reported), then are cancelled (the
///    sandbox kills their process trees); the agent leaves the pool (its unfinished steps go
///    back to the queue) and its gateway stops. Exit status 0.
///
/// ```swift
/// let agent = try await WorkerAgent.make(WorkerAgent.Configuration(
///     home: home, requester: PoolClient.Configuration(url: "http://10.0.0.1:8420", token: workerToken),
///     listenHost: "0.0.0.0", listenPort: 8421, advertise: "http://10.0.0.2:8421"))
/// try await agent.runUntilSignalled()
/// ```
public final class WorkerAgent: Service {
    public static let version = "0.1.0"

    public struct Configuration: Sendable {
        /// The node's home (`$SHOAL_HOME`): repository, identity, job store, work and log folders.
        public var home: String
        /// The requester and the worker token to join with.
        public var requester: PoolClient.Configuration
        public var listenHost: String
        /// 0 picks a free port.
        public var listenPort: Int
        /// The gateway URL peers use (default: `http://<listenHost>:<port>`; required when
        /// listening on all interfaces).
        public var advertise: String?
        public var labels: [String: String]
        /// Steps run at once.
        public var slots: Int
        /// Pinned CIDs to mark private (persistently) before joining.
        public var privateCIDs: [CID]
        public var isolation: SandboxIsolation
        /// How long running steps may go on after SIGTERM before they are cancelled.
        public var drainTimeout: Duration
        /// Seconds each claim long-polls.
        public var claimWait: Int
        /// Overrides the requester's heartbeat interval (tests).
        public var heartbeatInterval: Duration?
        /// How often running steps' logs are shipped.
        public var logInterval: Duration
        /// A bearer token `GET /metrics` accepts besides peer tickets, for a Prometheus scraper
        /// (tickets expire within minutes); it opens nothing else. `nil`: tickets only.
        public var metricsToken: String?

        public init(
            home: String, requester: PoolClient.Configuration, listenHost: String = "127.0.0.1", listenPort: Int = 8421,
            advertise: String? = nil, labels: [String: String] = [:],
            slots: Int = ProcessInfo.processInfo.activeProcessorCount, privateCIDs: [CID] = [],
            isolation: SandboxIsolation = .sandboxed, drainTimeout: Duration = .seconds(60), claimWait: Int = 30,
            heartbeatInterval: Duration? = nil, logInterval: Duration = .milliseconds(500), metricsToken: String? = nil
        ) {
            self.home = home
            self.requester = requester
            self.listenHost = listenHost
            self.listenPort = listenPort
            self.advertise = advertise
            self.labels = labels
            self.slots = slots
            self.privateCIDs = privateCIDs
            self.isolation = isolation
            self.drainTimeout = drainTimeout
            self.claimWait = claimWait
            self.heartbeatInterval = heartbeatInterval
            self.logInterval = logInterval
            self.metricsToken = metricsToken
        }
    }

    public let configuration: Configuration
    public let home: WorkerHome
    public let repo: Repo
    public let store: JobStore
    public let identity: NodeIdentity
    public let session: AgentSession
    /// The gateway's check of peer tickets (and who read).
    let peers: PeerTicketVerifier
    public let inventory: PinInventory
    public let table: ExecutionTable
    public let counters = InputCounters()
    public let policy = PrivateDAGPolicy()
    public let served = GatewayCounters()
    let journal: ExecutionJournal
    let runner: any StepRunning
    let capacity: Capacity
    let logger: Logger
    let outcomes = OutcomeCounters()
    /// The gateway's bound port, once it listens.
    let ports: AsyncStream<Int>
    let portContinuation: AsyncStream<Int>.Continuation

    /// Opens the node's home and gets it ready to serve and join: cleans up after a crash,
    /// checks the sandbox, marks and withholds private pins.
    ///
    /// - Parameter runner: what runs steps; `nil` (always, outside tests) is a ``StepExecutor``
    ///   over this home, configured like `shoal run`.
    /// - Throws: ``Sandbox/SandboxError`` when the host cannot sandbox; ``WorkerError`` for a
    ///   `--private` CID that is not pinned here, a bad advertise URL, or a home that cannot be used.
    public static func make(_ configuration: Configuration, runner: (any StepRunning)? = nil, logger: Logger? = nil) async throws -> WorkerAgent {
        umask(0o022)
        let logger = logger ?? Logger(label: "shoal.worker")
        try checkAddresses(configuration)
        if configuration.isolation == .sandboxed { try await SandboxPreflight.require(home: WorkerHome(configuration.home)) }
        let client = try PoolClient.make(configuration.requester, logger: logger)
        do {
            return try WorkerAgent(configuration: configuration, client: client, runner: runner, logger: logger)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    init(configuration: Configuration, client: PoolClient, runner: (any StepRunning)?, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        home = WorkerHome(configuration.home)
        repo = try Repo(home: configuration.home)
        store = try JobStore(home: configuration.home)
        identity = try NodeIdentity.loadOrCreate(home: configuration.home)
        session = AgentSession(workerClient: client)
        peers = PeerTicketVerifier(session: session, logger: logger)
        inventory = PinInventory(repo: repo, home: home)
        table = ExecutionTable(slots: configuration.slots)
        journal = ExecutionJournal(home: home)
        capacity = NodeCapacity.detect(home: configuration.home, slots: max(1, configuration.slots))
        self.runner = runner ?? StepExecutor(
            repo: repo, index: store.provenanceIndex, identity: identity, home: home,
            configuration: StepExecutor.Configuration(isolation: configuration.isolation))
        (ports, portContinuation) = AsyncStream<Int>.makeStream(bufferingPolicy: .bufferingNewest(1))

        for entry in journal.cleanUpLeftovers() {
            logger.info("cleaned up execution \(entry.execution) (\(entry.job)/\(entry.task)#\(entry.attempt)) left by a stopped agent")
        }
        home.sweepAbandonedWork()
        Self.sweepPartialExports(home)
        for cid in configuration.privateCIDs {
            do {
                try repo.setPrivate(cid)
            } catch let error as BlockStoreError where error.code == .notPinned {
                throw WorkerError(.notFound, "--private \(cid): it is not pinned here (add or pin it first)")
            }
        }
        try refreshPrivacy()
    }

    // MARK: Services

    /// The gateway server, as a service (its port is handed to the agent when it listens).
    public func gatewayService() -> some Service {
        let router = WorkerGateway.router(
            repo: repo, verifier: peers, policy: policy, served: served, node: identity.didKey.string,
            metricsToken: configuration.metricsToken
        ) { [self] in await metricsText() }
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        let continuation = portContinuation
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.listenHost, port: configuration.listenPort), serverName: "shoal-worker"),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: quiet)
    }

    /// Runs the gateway and the agent until SIGTERM or SIGINT, then stops them gracefully
    /// (running steps get ``Configuration/drainTimeout``). Returns normally after a graceful stop.
    public func runUntilSignalled() async throws {
        do {
            try await serviceGroup(gracefulShutdownSignals: [.sigterm, .sigint]).run()
        } catch {
            throw ListenFailure.from(error, host: configuration.listenHost, port: configuration.listenPort) ?? error
        }
    }

    /// The gateway and the agent in one service group: the agent stops first (drain, leave),
    /// then the gateway. A graceful shutdown of the group is what SIGTERM triggers.
    public func serviceGroup(gracefulShutdownSignals: [UnixSignal]) -> ServiceGroup {
        var groupConfiguration = ServiceGroupConfiguration(
            services: [
                .init(service: gatewayService()),
                // An agent that fails (its join refused, say) stops the gateway gracefully:
                // cancelling it made Hummingbird log errors about its own shutdown.
                .init(service: self, failureTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: gracefulShutdownSignals,
            logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = configuration.drainTimeout + .seconds(30)
        return ServiceGroup(configuration: groupConfiguration)
    }

    /// Withholds the DAGs of the pins marked private now (after a change of marks).
    func refreshPrivacy() throws {
        let roots = Set(try repo.pins(mode: .recursive).filter(\.isPrivate).map(\.cid))
        if try policy.update(roots: roots, from: repo) {
            logger.info("withholding \(roots.count) private DAG\(roots.count == 1 ? "" : "s") from peers")
        }
    }

    static func checkAddresses(_ configuration: Configuration) throws {
        let wildcard = ["0.0.0.0", "::", "[::]", ""].contains(configuration.listenHost)
        if let advertise = configuration.advertise {
            guard let url = URL(string: advertise), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw WorkerError(.io, "--advertise '\(advertise)' is not a URL like http://10.0.0.2:8421")
            }
        } else if wildcard {
            throw WorkerError(.io, "listening on all interfaces (\(configuration.listenHost)): give --advertise URL so peers know where to connect")
        }
    }

    /// The gateway URL to announce for the bound `port`.
    func advertisedURL(port: Int) -> String {
        if let advertise = configuration.advertise { return advertise }
        let host = configuration.listenHost.contains(":") ? "[\(configuration.listenHost)]" : configuration.listenHost
        return "http://\(host):\(port)"
    }

    /// Removes half-written exports (`cache/exports/.tmp-<pid>-…`) of processes that are gone.
    static func sweepPartialExports(_ home: WorkerHome) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: home.exports) else { return }
        for name in names where name.hasPrefix(".tmp-") {
            let pid = name.dropFirst(5).split(separator: "-").first.flatMap { Int32($0) }
            if let pid, pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(atPath: home.exports + "/" + name)
            }
        }
    }
}
