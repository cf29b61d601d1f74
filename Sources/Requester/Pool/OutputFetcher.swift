import AsyncHTTPClient
import BlockStore
import Gateway
import Hummingbird
import IPLD
import JobStore
import Logging
import Provenance

/// Brings a job's output into the requester's store before `GET /ipfs/{cid}` serves it.
///
/// Outputs stay on the workers that made them; the requester holds only the provenance blocks
/// they upload. When a client asks the requester's gateway for a CID it does not hold, and the
/// provenance index knows that CID as a step's output, the output is fetched with the Gateway's
/// ``Gateway/BlockFetcher`` (every block verified, pinned as `output`) from the nodes that pin
/// it and the node that made it, with the pool's peer token. Private data (a CID any node
/// reports as private) is never fetched.
struct OutputFetcher: Sendable {
    let repo: Repo
    let registry: PoolRegistry
    let index: SQLiteProvenanceIndex
    let client: ClientHolder
    let peerToken: String
    let logger: Logger

    /// Fetches `cid` when it is a job output held elsewhere; does nothing otherwise. Failures
    /// are logged: the gateway then answers 404 as for any block it does not hold.
    func ensureHeld(_ cid: CID) async {
        guard cid.multihash.code != .identity, (try? repo.has(cid)) == false, !registry.isPrivate(cid),
              let step = try? index.producingStep(of: cid)
        else { return }
        var providers: [GatewayProvider] = registry.holders(of: cid).map {
            GatewayProvider(url: $0.record.url, token: peerToken, name: $0.record.id)
        }
        if let bytes = try? repo.block(step), let record = try? Step(block: Block(trusted: step, bytes: bytes)),
           let maker = registry.node(record.node), maker.record.state != .down,
           !providers.contains(where: { $0.name == maker.record.id })
        {
            providers.append(GatewayProvider(url: maker.record.url, token: peerToken, name: maker.record.id))
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

/// Runs ``OutputFetcher/ensureHeld(_:)`` before the gateway answers `GET`/`HEAD /ipfs/{cid}`.
struct OutputFetchMiddleware: RouterMiddleware {
    typealias Context = RequesterContext
    let fetcher: OutputFetcher

    func handle(_ request: Request, context: RequesterContext, next: (Request, RequesterContext) async throws -> Response) async throws -> Response {
        let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: true)
        if parts.count >= 2, parts[0] == "ipfs", let cid = try? CID(String(parts[1])) {
            await fetcher.ensureHeld(cid)
        }
        return try await next(request, context)
    }
}
