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
/// | `GET /metrics` | peer ticket | Prometheus text: input bytes local vs fetched, executions, gateway traffic, reads by peer |
///
/// A peer ticket (``PoolAPI/PeerTicket``) is accepted when the pool's key signed it, for this
/// pool, and it has not expired (``PeerTicketVerifier``). Until the agent has joined it knows no
/// pool key, and every authenticated route answers 401.
enum WorkerGateway {
    static func router(
        repo: Repo, verifier: PeerTicketVerifier, policy: PrivateDAGPolicy, served: GatewayCounters, node: String,
        metrics: @escaping @Sendable () async -> String
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/healthz") { _, _ in
            try jsonResponse(Health(version: WorkerAgent.version, node: node))
        }
        let peers = router.group().add(middleware: BearerTokenMiddleware(verifier: verifier))
        GatewayRoutes(source: repo, policy: policy, metrics: served).register(on: peers)
        peers.get("/metrics") { _, _ in
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
