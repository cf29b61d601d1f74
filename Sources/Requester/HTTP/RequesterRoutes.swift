import Gateway
import HTTPTypes
import Hummingbird
import PoolAPI

/// Every route of the requester, as `Specs/openapi.yaml` lists them.
///
/// | route | who |
/// | --- | --- |
/// | `GET /healthz` | anyone |
/// | `GET /metrics` | admin, client |
/// | `POST|GET /api/v1/jobs`, `GET /api/v1/jobs/{job}`, `…/cancel`, `…/events`, `…/logs` | client, admin |
/// | `GET /api/v1/nodes`, `GET /api/v1/lineage/{cid}`, `GET /api/v1/verify/{cid}` | client, admin |
/// | `POST /api/v1/blocks` | client, admin, node |
/// | `POST|GET /api/v1/tokens`, `DELETE /api/v1/tokens/{token}` | admin |
/// | `POST /api/v1/nodes/challenge`, `POST /api/v1/nodes/join` (with a proof of the node key) | worker, admin |
/// | `POST /api/v1/nodes/{node}/heartbeat|claim|leave` | that node's credential |
/// | `POST /api/v1/executions/{execution}/report|logs` | the credential of the node holding it |
/// | `GET|HEAD /ipfs/{cid}` | client, admin, node credential (never a peer ticket; never a root a node marks private) |
struct RequesterRoutes: Sendable {
    let requester: Requester

    /// One registered route: its method and path template (`/api/v1/jobs/{job}`), as the
    /// contract names them.
    struct Entry: Hashable, Sendable, CustomStringConvertible {
        var method: String
        var path: String
        var description: String { "\(method) \(path)" }
    }

    /// Adds every route to `router` and returns them (the contract test compares the list with
    /// `Specs/openapi.yaml`).
    @discardableResult
    func register(on router: Router<RequesterContext>) -> [Entry] {
        var entries: [Entry] = []
        func add(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping @Sendable (Request, RequesterContext) async throws -> Response) {
            router.on(RouterPath(path), method: method) { request, context in try await handler(request, context) }
            let template = path.split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            entries.append(Entry(method: method.rawValue, path: template))
        }
        add(.get, PoolAPI.Path.health) { _, _ in try health() }
        add(.get, PoolAPI.Path.metrics) { _, context in try metrics(context) }

        let api = PoolAPI.prefix
        add(.post, "\(api)/jobs") { request, context in try await submit(request, context) }
        add(.get, "\(api)/jobs") { request, context in try listJobs(request, context) }
        add(.get, "\(api)/jobs/:job") { _, context in try jobStatus(context) }
        add(.post, "\(api)/jobs/:job/cancel") { _, context in try await cancel(context) }
        add(.get, "\(api)/jobs/:job/events") { request, context in try await jobEvents(request, context) }
        add(.get, "\(api)/jobs/:job/logs") { request, context in try await jobLogs(request, context) }
        add(.get, "\(api)/nodes") { _, context in try nodes(context) }
        add(.get, "\(api)/lineage/:cid") { request, context in try await lineage(request, context) }
        add(.get, "\(api)/verify/:cid") { _, context in try await verify(context) }
        add(.post, "\(api)/blocks") { request, context in try await uploadBlocks(request, context) }

        add(.post, "\(api)/tokens") { request, context in try await createToken(request, context) }
        add(.get, "\(api)/tokens") { _, context in try listTokens(context) }
        add(.delete, "\(api)/tokens/:token") { _, context in try revokeToken(context) }

        add(.post, "\(api)/nodes/challenge") { _, context in try joinChallenge(context) }
        add(.post, "\(api)/nodes/join") { request, context in try await join(request, context) }
        add(.post, "\(api)/nodes/:node/heartbeat") { request, context in try await heartbeat(request, context) }
        add(.post, "\(api)/nodes/:node/claim") { request, context in try await claim(request, context) }
        add(.post, "\(api)/nodes/:node/leave") { _, context in try leave(context) }
        add(.post, "\(api)/executions/:execution/report") { request, context in try await report(request, context) }
        add(.post, "\(api)/executions/:execution/logs") { request, context in try await appendLog(request, context) }

        let gateway = router.group()
            .add(middleware: BearerTokenMiddleware<RequesterContext>(verifier: requester.tokens))
            .add(middleware: OutputFetchMiddleware(fetcher: requester.outputs))
        GatewayRoutes(source: requester.repo, policy: requester.privateData, metrics: requester.metrics)
            .register(on: gateway)
        entries.append(Entry(method: "GET", path: "/ipfs/{cid}"))
        entries.append(Entry(method: "HEAD", path: "/ipfs/{cid}"))
        return entries
    }

    // MARK: Health and metrics

    func health() throws -> Response {
        try JSONResponse.make(Health(version: "0.1.0", node: requester.node))
    }

    func metrics(_ context: RequesterContext) throws -> Response {
        _ = try context.authentication.require([.admin, .client])
        let text = try requester.metrics.render(store: requester.store, nodes: requester.registry.all().map(\.record))
        return JSONResponse.text(text, contentType: "text/plain; version=0.0.4; charset=utf-8")
    }

    // MARK: Parameters

    static func parameter(_ context: RequesterContext, _ name: String) throws -> String {
        guard let value = context.parameters.get(name), !value.isEmpty else {
            throw RequesterError(.badRequest, "the path has no \(name)")
        }
        return value
    }

    static func query(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters.get(name)
    }

    static func integer(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = query(request, name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw RequesterError(.badRequest, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
