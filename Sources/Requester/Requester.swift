import AsyncHTTPClient
import BlockStore
import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import JobStore
import Logging
import NIOCore
import NIOSSL
import Provenance
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The requester: the pool's HTTP service (`shoal serve`), its job coordinators, placement loop
/// and lease reaper, with all state in its home.
///
/// ```
/// $SHOAL_HOME/
///   blocks/, repo.sqlite   uploaded tools and inputs, provenance blocks, fetched outputs
///   jobs.sqlite            jobs, tasks, events, tokens, nodes, pins, executions (WAL)
///   identity/              this requester's did:key (Ed25519): the pool key that signs peer tickets
///   admin.token            an admin token, written on first start (0600)
///   pool/logs/             live logs of running executions (removed once stored as blocks)
///   pool/uploads/          CARs being uploaded (leftovers of a crash are removed on start)
/// ```
///
/// ``run(gracefulShutdownSignals:)`` runs everything as services of one `ServiceGroup` (job
/// supervisor → placement loop → lease reaper → HTTP server); SIGTERM/SIGINT (or
/// ``shutdown()``) stop them gracefully in reverse: long-polls are released, the server stops,
/// and job drives end without recording anything, so the next start on the same home resumes
/// every unfinished job (a `kill -9` leaves the store in the same resumable state).
///
/// ```swift
/// let requester = try Requester(configuration: RequesterConfiguration(home: home, port: 8420))
/// try await requester.run(gracefulShutdownSignals: [.sigterm, .sigint])
/// ```
public final class Requester: Sendable {
    public let configuration: RequesterConfiguration
    let repo: Repo
    let store: JobStore
    let identity: NodeIdentity
    let tokens: TokenAuthority
    /// Signs the peer tickets nodes read each other's gateways with (and its own).
    let tickets: PeerTicketIssuer
    /// The nonces joining nodes sign to prove they hold their key.
    let joinChallenges: JoinChallenges
    let registry = PoolRegistry()
    let board = ExecutionBoard()
    let catalog: JobCatalog
    let claims = Doorbell()
    /// Claims that arrive together, claimed in one transaction.
    let claimBatcher: ClaimBatcher
    let events = Doorbell()
    let logBell = Doorbell()
    let metrics = RequesterMetrics()
    let placement: PlacementService
    let dispatcher: PoolDispatcher
    let supervisor: JobSupervisor
    let reaper: LeaseReaper
    let logs: LogStore
    /// Where block uploads are streamed before their import.
    let uploads: UploadFolder
    /// The HTTP client of output fetches, alive while ``run(gracefulShutdownSignals:)`` runs.
    let client = ClientHolder()
    let providers: ProviderDirectory
    let outputs: OutputFetcher
    /// What the gateway withholds: every block of the DAGs nodes report as private.
    let privateData: PrivateDataPolicy

    private let bound = ListeningAddress()
    private let group = Mutex<ServiceGroup?>(nil)

    /// Opens (creating on first use) the requester's state in `configuration.home`, and writes
    /// `admin.token` there if it is not there yet.
    ///
    /// - Throws: errors of the block repository or job store, or a ``RequesterError`` for a
    ///   home that cannot be written.
    public init(configuration: RequesterConfiguration) throws {
        self.configuration = configuration
        let home = configuration.home
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        repo = try Repo(home: home)
        store = try JobStore(home: home)
        identity = try NodeIdentity.loadOrCreate(home: home)
        tokens = try TokenAuthority(store: store)
        tickets = PeerTicketIssuer(identity: identity, lifetime: configuration.effectivePeerTicketLifetime)
        joinChallenges = JoinChallenges(
            requester: identity.didKey.string, lifetime: configuration.joinChallengeLifetime,
            perToken: configuration.joinChallengesPerToken)
        try tokens.ensureAdminToken(home: home)
        logs = try LogStore(folder: home + "/pool/logs", maxBytes: configuration.limits.logFile)
        uploads = try UploadFolder(home: home)
        // A requester killed mid-upload left the CAR it was streaming; its blocks were never imported.
        for name in uploads.sweepLeftovers() { configuration.logger.info("removed \(name), left by an upload that never finished") }
        catalog = JobCatalog(store: store)
        claimBatcher = ClaimBatcher(store: store, lease: configuration.lease)

        // A restart is not the nodes' fault: their leases and heartbeats count from now.
        let now = Date()
        try store.extendLeases(until: now + configuration.lease.timeInterval)
        try registry.load(from: store, startedAt: now)
        privateData = PrivateDataPolicy(registry: registry, source: repo, logger: configuration.logger)
        privateData.refresh()

        let builder = DemandBuilder(store: store, catalog: catalog, registry: registry, configuration: configuration)
        let placement = PlacementService(
            store: store, registry: registry, builder: builder, board: board, metrics: metrics,
            configuration: configuration, claims: claims, events: events)
        self.placement = placement
        dispatcher = PoolDispatcher(
            store: store, board: board, catalog: catalog, configuration: configuration, events: events,
            queued: { placement.queued($0) })
        reaper = LeaseReaper(
            store: store, registry: registry, board: board, metrics: metrics, configuration: configuration, events: events,
            wake: { placement.wake() })
        let (board, claims, events, logBell) = (board, claims, events, logBell)
        let (logs, store, repo) = (logs, store, repo)
        // The live logs of executions that ended while the requester was down (or that a
        // crash left between a report and their removal) go now; later ones as they end.
        logs.sweep(store: store, repo: repo)
        supervisor = JobSupervisor(
            store: store, dispatcher: dispatcher, catalog: catalog, configuration: configuration, events: events,
            onShutdown: { board.interrupt() },
            onDriveEnd: { job in
                // Superseded attempts' live logs, and any a report could not remove yet.
                guard let tasks = try? store.tasks(of: job) else { return }
                var executions: Set<String> = []
                for task in tasks { for execution in (try? store.executions(job: job, task: task.id)) ?? [] { executions.insert(execution.id) } }
                logs.sweep(store: store, repo: repo, only: executions)
            })
        _ = (claims, logBell)
        let bound = self.bound
        providers = ProviderDirectory(registry: registry, catalog: catalog, repo: repo, selfURL: {
            configuration.advertisedURL ?? bound.current ?? "http://\(configuration.host):\(configuration.port)"
        })
        outputs = OutputFetcher(
            repo: repo, registry: registry, index: store.provenanceIndex, client: client, tickets: tickets,
            logger: configuration.logger)
    }

    /// The requester's own did:key.
    public var node: String { identity.didKey.string }

    /// The path of the admin token written on first start.
    public var adminTokenPath: String { configuration.home + "/" + TokenAuthority.adminTokenFile }

    /// The base URL it listens on (waits until the server is up; empty when it stopped before).
    public func url() async -> String { await bound.wait() }

    /// Runs until a graceful shutdown (one of `gracefulShutdownSignals`, or ``shutdown()``).
    public func run(gracefulShutdownSignals: [UnixSignal] = []) async throws {
        let app = try makeApplication()
        let (board, claims, events, logBell) = (board, claims, events, logBell)
        let notice = ShutdownNotice {
            board.interrupt()
            claims.close()
            events.close()
            logBell.close()
        }
        var serviceConfiguration = ServiceGroupConfiguration(
            services: [
                .init(service: supervisor), .init(service: placement), .init(service: reaper), .init(service: app),
                .init(service: notice),
            ],
            gracefulShutdownSignals: gracefulShutdownSignals, logger: configuration.logger)
        serviceConfiguration.maximumGracefulShutdownDuration = configuration.shutdownGrace
        let serviceGroup = ServiceGroup(configuration: serviceConfiguration)
        group.withLock { $0 = serviceGroup }
        defer {
            group.withLock { $0 = nil }
            // Nobody waits for a URL that will never come.
            bound.release()
        }
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: BlockFetcher.httpConfiguration())
        client.set(httpClient)
        do {
            try await serviceGroup.run()
        } catch {
            client.set(nil)
            try? await httpClient.shutdown()
            throw ListenFailure.from(error, host: configuration.host, port: configuration.port) ?? error
        }
        client.set(nil)
        try await httpClient.shutdown()
    }

    /// Starts a graceful shutdown of ``run(gracefulShutdownSignals:)``.
    public func shutdown() async {
        if let serviceGroup = group.withLock({ $0 }) { await serviceGroup.triggerGracefulShutdown() }
    }

    // MARK: The HTTP application

    func makeApplication() throws -> Application<RouterResponder<RequesterContext>> {
        let router = Router(context: RequesterContext.self)
        router.add(middleware: ErrorMiddleware(logger: configuration.logger))
        router.add(middleware: AuthenticationMiddleware(authority: tokens))
        RequesterRoutes(requester: self).register(on: router)
        let scheme = configuration.tls == nil ? "http" : "https"
        let bound = self.bound
        let host = configuration.host
        return Application(
            router: router, server: try server(),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "shoal"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
                bound.set("\(scheme)://\(shown):\(port)")
            },
            logger: configuration.logger)
    }

    func server() throws -> HTTPServerBuilder {
        guard let tls = configuration.tls else { return .http1() }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificate).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.privateKey, format: .pem)
            let tlsConfiguration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            return try .tls(.http1(), tlsConfiguration: tlsConfiguration)
        } catch {
            throw RequesterError(.badRequest, "cannot use --tls-cert \(tls.certificate) / --tls-key \(tls.privateKey): \(error)")
        }
    }
}

/// The requester's HTTP client while it runs (created in `run`, shut down when it returns).
final class ClientHolder: Sendable {
    private let state = Mutex<HTTPClient?>(nil)
    var current: HTTPClient? { state.withLock { $0 } }
    func set(_ client: HTTPClient?) { state.withLock { $0 = client } }
}

/// The URL the server listens on, once it does, and who waits for it.
final class ListeningAddress: Sendable {
    private let state = Mutex<(url: String?, waiters: [CheckedContinuation<String, Never>])>((nil, []))

    var current: String? { state.withLock { $0.url } }

    func wait() async -> String {
        await withCheckedContinuation { continuation in
            let url = state.withLock { state -> String? in
                if let url = state.url { return url }
                state.waiters.append(continuation)
                return nil
            }
            if let url { continuation.resume(returning: url) }
        }
    }

    func set(_ url: String) {
        let waiters = state.withLock { state in
            state.url = url
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: url) }
    }

    /// Wakes the waiters with an empty URL (the server stopped before it listened).
    func release() {
        let waiters = state.withLock { state in
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: "") }
    }
}

/// A service that does one thing when the graceful shutdown starts: it is listed last, so it is
/// the first to hear of it, and it releases the long-polls before the server waits for them.
struct ShutdownNotice: Service {
    let action: @Sendable () -> Void

    func run() async throws {
        try? await gracefulShutdown()
        action()
    }
}

/// Turns every error into a JSON error body: the requester's own errors with their status,
/// Hummingbird's (404 for an unknown route, 413) with theirs, and anything else into a 500
/// whose details are only logged.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = RequesterContext
    let logger: Logger

    func handle(_ request: Request, context: RequesterContext, next: (Request, RequesterContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as RequesterError {
            throw error
        } catch let error as HTTPError {
            if error.status == .notFound {
                throw RequesterError(.notFound, "no route for \(request.method) \(request.uri.path)")
            }
            throw RequesterError(Self.code(error.status.code), error.body ?? error.status.reasonPhrase)
        } catch let error as any HTTPResponseError {
            throw error
        } catch let error as JobStoreError where error.code == .notFound {
            throw RequesterError(.notFound, error.message)
        } catch let error as JobStoreError where error.code == .ambiguous {
            throw RequesterError(.badRequest, error.message)
        } catch is CancellationError {
            throw RequesterError(.unavailable, "the requester is shutting down")
        } catch {
            logger.error("\(request.method) \(request.uri.path): \(error)")
            throw RequesterError(.internalError, "internal error (see the requester's log)")
        }
    }

    static func code(_ status: Int) -> RequesterError.Code {
        switch status {
        case 400: .badRequest
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 409: .conflict
        case 413: .tooLarge
        case 429: .tooManyRequests
        case 503: .unavailable
        default: .internalError
        }
    }
}

extension Requester {
    /// Runs until SIGTERM or SIGINT (`shoal serve`), calling `ready` with the URL once listening.
    public func runUntilSignalled(ready: @escaping @Sendable (String) -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run(gracefulShutdownSignals: [.sigterm, .sigint]) }
            group.addTask {
                let url = await self.url()
                if !url.isEmpty { ready(url) }
            }
            try await group.waitForAll()
        }
    }
}
