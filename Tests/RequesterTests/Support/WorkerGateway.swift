import Foundation
import Gateway
import Hummingbird
import IPLD
import Logging
import PoolAPI
import Provenance

/// A worker's trustless gateway for tests: `GatewayRoutes` over an in-memory store, behind the
/// peer tickets of `pool` (checked as a worker's gateway checks them), on an ephemeral loopback port, counting what it serves; each answer waits
/// `delay` first (a slow peer, so that concurrent fetches overlap).
func withWorkerGateway<T: Sendable>(
    store: MemoryBlockstore, pool: DIDKey, policy: any GatewayAccessPolicy = OpenAccess(), delay: Duration = .zero,
    _ body: @Sendable (_ url: String, _ counters: GatewayCounters) async throws -> T
) async throws -> T {
    var logger = Logger(label: "worker-gateway-test")
    logger.logLevel = .critical
    let counters = GatewayCounters()
    let router = Router()
    let peers = router.group().add(middleware: BearerTokenMiddleware(verifier: TicketCheck(pool: pool)))
        .add(middleware: DelayMiddleware(delay: delay))
    GatewayRoutes(source: store, policy: policy, metrics: counters).register(on: peers)
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) }, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw TestFailure("the worker gateway did not start") }
        do {
            let result = try await body("http://127.0.0.1:\(port)", counters)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// Waits `delay` before passing a request on.
struct DelayMiddleware<Context: RequestContext>: RouterMiddleware {
    let delay: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if delay > .zero { try await Task.sleep(for: delay) }
        return try await next(request, context)
    }
}

/// Accepts the peer tickets `pool` signed, unexpired.
struct TicketCheck: BearerTokenVerifier {
    let pool: DIDKey

    func isValid(_ token: String) async -> Bool {
        (try? PeerTicket.verify(token, pool: pool)) != nil
    }
}
