import BlockStore
import HTTPTypes
import Hummingbird
import IPLD
import Logging

/// The trustless gateway's routes, `GET` and `HEAD /ipfs/{cid}`, to mount on a Hummingbird router.
///
/// A reusable piece: the requester and the worker each add these routes to their own router (or
/// to a group behind their authentication middleware), over their own ``BlockSource`` and
/// ``GatewayAccessPolicy``. It serves only the trustless response types
/// (specs.ipfs.tech/http-gateways/trustless-gateway):
///
/// | request | response |
/// | --- | --- |
/// | `?format=raw` or `Accept: application/vnd.ipld.raw` | the block, verified against its CID first |
/// | `?format=car` or `Accept: application/vnd.ipld.car` | a CAR v1 stream of the DAG, `dag-scope=all` (default), `entity` or `block`, `entity-bytes=from:to` |
/// | neither | 400 (no `Accept`) or 406 (an `Accept` naming neither) |
/// | `?format=tar`, `dag-json`, … | 406 |
/// | a malformed CID, an unknown format, a bad parameter | 400 |
/// | a block not held, or withheld by the policy | 404, the same for both, so withheld data does not reveal that it exists |
/// | `Cache-Control: only-if-cached` and the block not held | 412 |
///
/// Responses carry `Content-Type` (a CAR's names `version=1; order=dfs; dups=n|y`),
/// `X-Content-Type-Options: nosniff`, `Cache-Control: public, max-age=29030400, immutable`, an
/// `Etag` (strong `"<cid>.raw"` for a block, weak `W/"<cid>.car.<variant>"` for a CAR, as
/// boxo does) honoured by `If-None-Match`, and `Content-Disposition: attachment`.
///
/// A CAR is written while the DAG is walked (``DAGTraversal``): only the current block and a
/// small send buffer are in memory, whatever the size of the DAG. The root is read before the
/// status is sent, so a missing root is a clean 404; a block found missing or corrupt later
/// ends the stream early (the connection is closed without the final chunk), as the spec asks,
/// and a client that checks completeness notices.
///
/// ```swift
/// let router = Router()
/// let protected = router.group().add(middleware: BearerTokenMiddleware(verifier: SharedTokenVerifier(token)))
/// GatewayRoutes(source: repo, policy: withheld, metrics: counters).register(on: protected)
/// let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
public struct GatewayRoutes: Sendable {
    public var source: any BlockSource
    public var policy: any GatewayAccessPolicy
    public var metrics: any GatewayMetrics
    /// Requests for CIDs this verifier refuses (a hash function the gateway cannot verify) are 400.
    public var verifier: BlockVerifier
    /// CAR bytes gathered before each write to the connection.
    public var chunkBytes: Int

    /// `Cache-Control` for every response about a CID: the content can never change.
    static let immutableCacheControl = "public, max-age=29030400, immutable"

    public init(
        source: any BlockSource, policy: any GatewayAccessPolicy = OpenAccess(),
        metrics: any GatewayMetrics = NoGatewayMetrics(), verifier: BlockVerifier = .standard, chunkBytes: Int = 256 * 1024
    ) {
        self.source = source
        self.policy = policy
        self.metrics = metrics
        self.verifier = verifier
        self.chunkBytes = chunkBytes
    }

    /// Adds `GET` and `HEAD` for `/ipfs/{cid}` (and `/ipfs/{cid}/…`, which is refused with 400)
    /// to `router`: a `Router`, a `RouterGroup` behind middleware, or a `RouteCollection`.
    public func register<Methods: RouterMethods>(on router: Methods) {
        for path: RouterPath in ["/ipfs/:cid", "/ipfs/:cid/**"] {
            router.get(path) { request, context in try await respond(to: request, context: context, head: false) }
            router.head(path) { request, context in try await respond(to: request, context: context, head: true) }
        }
    }

    // MARK: Dispatch

    func respond(to request: Request, context: some RequestContext, head: Bool) async throws -> Response {
        do {
            return try answer(request, cid: context.parameters.get("cid") ?? "", path: context.parameters.getCatchAll(), head: head, logger: context.logger)
        } catch {
            metrics.refused(status: Int(error.status.code))
            if error.code == .storage { context.logger.error("gateway: \(error.message)") }
            throw error
        }
    }

    private func answer(_ request: Request, cid: String, path: [Substring], head: Bool, logger: Logger) throws(GatewayError) -> Response {
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where query[String(name)] == nil {
            query[String(name)] = String(value)
        }
        let parsed = try GatewayRequest.parse(cid: cid, path: path, query: query, accept: request.headers[values: .accept], verifier: verifier)
        do {
            switch parsed.format {
            case .raw:
                return try rawResponse(parsed, request: request, head: head)
            case .car(let parameters):
                return try carResponse(parsed, parameters, request: request, head: head, logger: logger)
            }
        } catch where error.code == .notFound && request.headers[values: .cacheControl].contains(where: { $0.lowercased().contains("only-if-cached") }) {
            throw GatewayError(.notCached, "block \(parsed.cid) is not held here (only-if-cached)")
        }
    }

    // MARK: Raw blocks

    private func rawResponse(_ parsed: GatewayRequest, request: Request, head: Bool) throws(GatewayError) -> Response {
        let block = try readRoot(parsed.cid)
        var headers = commonHeaders(parsed, request: request, contentType: MediaType.raw, etag: "\"\(parsed.cid).raw\"", fileExtension: "bin")
        if let notModified = notModified(request, headers: headers) { return notModified }
        headers[.contentLength] = String(block.bytes.count)
        if head { return Response(status: .ok, headers: headers) }
        metrics.served(ServedResponse(format: .raw, cid: block.cid, blocks: 1, bytes: block.bytes.count, complete: true))
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: block.bytes)))
    }

    /// The requested block, verified; identity CIDs (the `bafkqaaa` probe) need no store.
    private func readRoot(_ cid: CID) throws(GatewayError) -> Block {
        if cid.multihash.code == .identity { return Block(trusted: cid, bytes: cid.multihash.digest) }
        var traversal = DAGTraversal(source: source, policy: policy)
        try traversal.start(root: cid, expansion: .none)
        guard let block = try traversal.next() else { throw GatewayError(.notFound, "block \(cid) is not served here") }
        return block
    }

    // MARK: CAR streams

    private func carResponse(
        _ parsed: GatewayRequest, _ parameters: CARParameters, request: Request, head: Bool, logger: Logger
    ) throws(GatewayError) -> Response {
        let root = try readRoot(parsed.cid)
        let expansion = try DAGTraversal.expansion(for: root, scope: parameters.scope, range: parameters.range)
        var traversal = DAGTraversal(source: source, policy: policy, duplicates: parameters.duplicates)
        try traversal.start(root: root, expansion: expansion)

        var headers = commonHeaders(
            parsed, request: request, contentType: parameters.contentType,
            etag: "W/\"\(parsed.cid).car.\(parameters.etagSuffix)\"", fileExtension: "car"
        )
        headers[.acceptRanges] = "none"
        if let notModified = notModified(request, headers: headers) { return notModified }
        if head { return Response(status: .ok, headers: headers) }

        let stream = CARStream(root: parsed.cid, traversal: traversal, chunkBytes: chunkBytes, metrics: metrics, logger: logger)
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in try await stream.write(to: &writer) })
    }

    // MARK: Headers

    private func commonHeaders(
        _ parsed: GatewayRequest, request: Request, contentType: String, etag: String, fileExtension: String
    ) -> HTTPFields {
        var headers: HTTPFields = [
            .contentType: contentType,
            .xContentTypeOptions: "nosniff",
            .cacheControl: Self.immutableCacheControl,
            .eTag: etag,
            .contentDisposition: "attachment; filename=\"\(parsed.cid).\(fileExtension)\"",
            .xIpfsPath: "/ipfs/\(parsed.cid)",
            .xIpfsRoots: parsed.cid.string,
        ]
        if parsed.negotiatedByAccept {
            // The spec's advice: name the URL of this variant so caches keep it apart.
            let query = request.uri.query.map { $0 + "&" } ?? ""
            headers[.contentLocation] = "/ipfs/\(parsed.cid)?\(query)format=\(parsed.format.parameterValue)"
        }
        return headers
    }

    /// A 304 when `If-None-Match` names the response's Etag (or `*`).
    private func notModified(_ request: Request, headers: HTTPFields) -> Response? {
        guard let etag = headers[.eTag] else { return nil }
        let strip = { (tag: Substring) -> Substring in tag.hasPrefix("W/") ? tag.dropFirst(2) : tag }
        for value in request.headers[values: .ifNoneMatch] {
            for candidate in value.split(separator: ",") {
                let tag = Substring(candidate.trimmingSpaces)
                if tag == "*" || strip(tag) == strip(Substring(etag)) {
                    var kept = HTTPFields()
                    for name in [HTTPField.Name.eTag, .cacheControl, .contentLocation] { kept[name] = headers[name] }
                    return Response(status: .notModified, headers: kept)
                }
            }
        }
        return nil
    }
}
