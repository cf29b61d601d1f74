import AsyncHTTPClient
import BlockStore
import Gateway
import Hummingbird
import IPLD
import JobStore
import Logging
import Provenance
import Synchronization

/// Brings a job's output into the requester's store before `GET /ipfs/{cid}` serves it.
///
/// Outputs stay on the workers that made them; the requester holds only the provenance blocks
/// they upload. When a client asks the requester's gateway for a CID it does not hold, and the
/// provenance index knows that CID as a step's output, the output is fetched with the Gateway's
/// ``Gateway/BlockFetcher`` (every block verified, pinned as `output`) from the nodes that pin
/// it and the node that made it, with a peer ticket the requester signs for itself
/// (``PeerTicketIssuer/ownTicket(now:)``). Private data (a CID any node reports as private) is
/// never fetched.
///
/// Requests for one CID that arrive while it is being fetched wait for that fetch instead of
/// starting their own (single flight): a popular output is fetched once. A fetch every
/// request gave up on is cancelled (``FetchFlights``).
struct OutputFetcher: Sendable {
    let repo: Repo
    let registry: PoolRegistry
    let index: SQLiteProvenanceIndex
    let client: ClientHolder
    let tickets: PeerTicketIssuer
    let logger: Logger
    /// The fetches under way, by CIDv1.
    let flights = FetchFlights()

    init(repo: Repo, registry: PoolRegistry, index: SQLiteProvenanceIndex, client: ClientHolder, tickets: PeerTicketIssuer, logger: Logger) {
        self.repo = repo
        self.registry = registry
        self.index = index
        self.client = client
        self.tickets = tickets
        self.logger = logger
    }

    /// Fetches `cid` when it is a job output held elsewhere (or waits for the fetch of it
    /// already under way); does nothing otherwise. Failures are logged: the gateway then
    /// answers 404 as for any block it does not hold.
    func ensureHeld(_ cid: CID) async {
        guard cid.multihash.code != .identity, (try? repo.has(cid)) == false, !registry.isPrivate(cid),
              let step = try? index.producingStep(of: cid)
        else { return }
        let fetcher = self
        await flights.join(cid.v1) { await fetcher.fetch(cid, producedBy: step) }
    }

    /// One fetch of `cid` from its holders and the node that made it (`step`'s node).
    private func fetch(_ cid: CID, producedBy step: CID) async {
        // An earlier flight may have brought it in between this request's check and its start.
        guard (try? repo.has(cid)) == false else { return }
        let ticket: String
        do {
            ticket = try tickets.ownTicket()
        } catch {
            logger.error("cannot sign the requester's peer ticket: \(error)")
            return
        }
        var providers: [GatewayProvider] = registry.holders(of: cid).map {
            GatewayProvider(url: $0.record.url, token: ticket, name: $0.record.id)
        }
        if let bytes = try? repo.block(step), let record = try? Step(block: Block(trusted: step, bytes: bytes)),
           let maker = registry.node(record.node), maker.record.state != .down,
           !providers.contains(where: { $0.name == maker.record.id })
        {
            providers.append(GatewayProvider(url: maker.record.url, token: ticket, name: maker.record.id))
        }
        guard !providers.isEmpty, let client = client.current else { return }
        do {
            let summary = try await BlockFetcher(repo: repo, client: client, logger: logger)
                .fetch(cid, from: providers, pin: true, pinName: "output")
            logger.info("fetched output \(cid): \(summary.blocksFetched) blocks, \(summary.bytesFetched) bytes")
        } catch {
            logger.warning("cannot fetch output \(cid): \(error)")
        }
    }
}

/// The output fetches under way, one per CID, that later requests for the same CID join.
///
/// A fetch runs as long as someone waits for it: a request that goes away (its task is
/// cancelled) stops waiting at once, and when the last one leaves, the fetch is cancelled (a
/// slow provider does not keep a download going that nobody will read). The next request for
/// that CID starts a fresh fetch; blocks the cancelled one already stored are kept.
final class FetchFlights: Sendable {
    private struct Flight {
        let id: UInt64
        let task: Task<Void, Never>
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private struct State {
        var flights: [CID: Flight] = [:]
        var nextID: UInt64 = 0
        mutating func newID() -> UInt64 {
            nextID += 1
            return nextID
        }
    }

    private let state = Mutex(State())

    /// Runs `fetch` unless a fetch of `key` is under way, and waits for whichever runs, or
    /// until the calling task is cancelled.
    func join(_ key: CID, _ fetch: @escaping @Sendable () async -> Void) async {
        let waiter = state.withLock { $0.newID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                state.withLock { state in
                    // Cancellation sets the flag before its handler runs, and the handler takes this
                    // lock: a waiter is either never added, or added and then removed by `leave`.
                    if Task.isCancelled { return continuation.resume() }
                    if state.flights[key] == nil {
                        let id = state.newID()
                        // The lock is held until the flight is in the table, so `land` comes after.
                        let task = Task { [weak self] in
                            await fetch()
                            self?.land(key, flight: id)
                        }
                        state.flights[key] = Flight(id: id, task: task)
                    }
                    state.flights[key]?.waiters[waiter] = continuation
                }
            }
        } onCancel: {
            self.leave(key, waiter: waiter)
        }
    }

    /// How many requests wait for the fetch of `key` (0 when none is under way).
    func waiting(for key: CID) -> Int { state.withLock { $0.flights[key]?.waiters.count ?? 0 } }

    /// A waiter went away: it stops waiting, and the fetch is cancelled if it was the last.
    private func leave(_ key: CID, waiter: UInt64) {
        let (continuation, abandoned) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Task<Void, Never>?) in
            guard var flight = state.flights[key], let continuation = flight.waiters.removeValue(forKey: waiter) else { return (nil, nil) }
            if flight.waiters.isEmpty {
                state.flights[key] = nil
                return (continuation, flight.task)
            }
            state.flights[key] = flight
            return (continuation, nil)
        }
        abandoned?.cancel()
        continuation?.resume()
    }

    /// A fetch ended: everyone waiting for it goes on.
    private func land(_ key: CID, flight id: UInt64) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard let flight = state.flights[key], flight.id == id else { return [] }
            state.flights[key] = nil
            return Array(flight.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// Runs ``OutputFetcher/ensureHeld(_:)`` before the gateway answers `GET` or `HEAD /ipfs/{cid}`.
///
/// `HEAD` fetches too, so that it answers as `GET` would (its length and Etag need the
/// blocks; an output that only needs fetching is not "not found"), and the next `GET` is served
/// from the store. A request with `Cache-Control: only-if-cached` asks what the requester
/// holds now: nothing is fetched, and the gateway answers 412 for what is not held.
struct OutputFetchMiddleware: RouterMiddleware {
    typealias Context = RequesterContext
    let fetcher: OutputFetcher

    func handle(_ request: Request, context: RequesterContext, next: (Request, RequesterContext) async throws -> Response) async throws -> Response {
        let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: true)
        if request.method == .get || request.method == .head, !Self.onlyIfCached(request),
           parts.count >= 2, parts[0] == "ipfs", let cid = try? CID(String(parts[1]))
        {
            await fetcher.ensureHeld(cid)
        }
        return try await next(request, context)
    }

    static func onlyIfCached(_ request: Request) -> Bool {
        request.headers[values: .cacheControl].contains { $0.lowercased().contains("only-if-cached") }
    }
}
