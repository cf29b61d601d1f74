import BlockStore
import Foundation
import Gateway
import Hummingbird
import Logging
import PoolAPI
import Provenance

/// The worker's own HTTP server: its blocks for peers over the trustless gateway, behind the
/// pool's peer tickets, with private DAGs withheld.
///
/// | route | auth | what |
/// | --- | --- | --- |
/// | `GET /healthz` | none | ``PoolAPI/Health`` with this node's did:key |
/// | `GET`/`HEAD /ipfs/{cid}` | peer ticket | ``Gateway/GatewayRoutes`` over the node's repository, with ``PrivateDAGPolicy`` |
/// | `GET /metrics` | peer ticket or the metrics token | Prometheus text: input bytes local vs fetched, executions, gateway traffic, reads by peer |
///
/// A peer ticket (``PoolAPI/PeerTicket``) is accepted when the pool's key signed it, for this
/// pool, and it has not expired (``PeerTicketVerifier``). Until the agent has joined it knows no
/// pool key, and every authenticated route answers 401. The metrics token
/// (``WorkerAgent/Configuration/metricsToken``) is for a scraper: tickets expire within minutes,
/// and it opens `/metrics` only.
enum WorkerGateway {
    static func router(
        repo: Repo, verifier: PeerTicketVerifier, policy: PrivateDAGPolicy, served: GatewayCounters, node: String,
        metricsToken: String? = nil, metrics: @escaping @Sendable () async -> String
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ in
            try jsonResponse(Health(version: WorkerAgent.version, node: node))
        }
        let peers = router.group().add(middleware: BearerTokenMiddleware(verifier: verifier))
        GatewayRoutes(source: repo, policy: policy, metrics: served).register(on: peers)
        let scrapers = router.group()
            .add(middleware: BearerTokenMiddleware(verifier: MetricsVerifier(peers: verifier, scrapeToken: metricsToken.map(SharedTokenVerifier.init))))
        scrapers.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: await metrics())))
        }
        return router
    }

    static func jsonResponse(_ value: some Encodable) throws -> Response {
        let data = try PoolAPI.encoder.encode(value)
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }
}

/// `/metrics`' check: the scrape token when one is configured, else (or failing it) a peer ticket.
/// The token is tried first, so a scrape is never counted as a refused ticket.
struct MetricsVerifier: BearerTokenVerifier {
    let peers: PeerTicketVerifier
    let scrapeToken: SharedTokenVerifier?

    func isValid(_ token: String) async -> Bool {
        if let scrapeToken, await scrapeToken.isValid(token) { return true }
        return await peers.isValid(token)
    }
}
