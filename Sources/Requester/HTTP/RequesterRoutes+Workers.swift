import BlockStore
import Foundation
import Hummingbird
import IPLD
import JobStore
import NIOCore
import Orchestrator
import PoolAPI
import Provenance

/// The worker API: join, heartbeat, claim (long-poll), leave, report, log appends.
extension RequesterRoutes {
    /// A single-use nonce for the next join to sign (see ``JoinChallenges``).
    func joinChallenge(_ context: RequesterContext) throws -> Response {
        let principal = try context.authentication.require([.worker, .admin])
        return try JSONResponse.make(try requester.joinChallenges.issue(for: principal.tokenID ?? principal.role.rawValue))
    }

    /// Joins (or joins again) the node the body names, once its proof shows the caller holds
    /// that node's key; nothing is stored or revoked before the proof is checked.
    func join(_ request: Request, _ context: RequesterContext) async throws -> Response {
        let principal = try context.authentication.require([.worker, .admin])
        let body = try await JSONResponse.decode(JoinRequest.self, from: request, limit: requester.configuration.limits.jsonBody)
        guard let did = try? DIDKey(body.node) else { throw RequesterError(.badRequest, "node '\(body.node)' is not a did:key") }
        guard !body.url.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
              let url = URL(string: body.url), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil
        else {
            throw RequesterError(.badRequest, "url '\(body.url)' is not an http(s) base URL of the node's gateway")
        }
        guard body.capacity.slots >= 0, body.capacity.milliCPU >= 0, body.capacity.memory >= 0, body.capacity.disk >= 0 else {
            throw RequesterError(.badRequest, "capacity cannot be negative")
        }
        let pins = try body.pins.map(Self.pin)
        try requester.joinChallenges.verify(body, node: did)
        let store = requester.store
        let now = Date()
        // A node that joins again restarted: what it held before is gone with its old process.
        let abandoned = try store.releaseExecutions(node: body.node, as: .lost, reason: "the node restarted and joined again", at: now)
        // Their waiters learn it at once, whatever happens to the rest of the join.
        for execution in abandoned {
            requester.metrics.lostExecutions.increment()
            requester.board.complete(execution.id, .lost(node: body.node, reason: "the node restarted"))
        }
        let record = NodeRecord(
            id: body.node, url: body.url, labels: body.labels, capacity: PoolRegistry.nodeResources(body.capacity), state: .ready,
            joined: now, lastHeartbeat: now)
        try store.joinNode(record, pins: pins)
        requester.registry.join(record, pins: pins)
        let privateData = requester.privateData
        try await offload { privateData.refresh() }
        let credential = try requester.tokens.issueNodeCredential(node: body.node, issuedBy: principal.tokenID)
        requester.placement.wake()
        requester.configuration.logger.info("node \(body.node) joined from \(body.url) with \(pins.count) pin(s)\(abandoned.isEmpty ? "" : "; \(abandoned.count) stale execution(s) lost")")
        let configuration = requester.configuration
        return try JSONResponse.make(JoinResponse(
            node: body.node, credential: credential, heartbeatSeconds: configuration.heartbeatSeconds,
            leaseSeconds: RequesterConfiguration.wholeSeconds(configuration.lease), abandon: abandoned.map(\.id),
            requester: requester.node, peerTicket: try requester.tickets.ticket(for: did), gateway: requester.providers.selfURL()))
    }

    func heartbeat(_ request: Request, _ context: RequesterContext) async throws -> Response {
        let node = try Self.parameter(context, "node")
        _ = try context.authentication.requireNode(node)
        let body = try await JSONResponse.decode(Heartbeat.self, from: request, limit: requester.configuration.limits.jsonBody)
        let added = try body.pinsAdded.map(Self.pin)
        let removed = try body.pinsRemoved.map { text -> CID in
            guard let cid = try? CID(text) else { throw RequesterError(.badRequest, "pinsRemoved: '\(text)' is not a CID") }
            return cid
        }
        let store = requester.store
        let now = Date()
        let free = body.free.map(PoolRegistry.nodeResources)
        let fetched = max(0, body.fetchedBytes), local = max(0, body.localBytes)
        do {
            try store.recordHeartbeat(
                node: node, at: now, free: free, pinsAdded: added, pinsRemoved: removed, fetchedBytes: fetched, localBytes: local)
        } catch let error as JobStoreError where error.code == .notFound {
            throw RequesterError(.notFound, "node \(node) is not in the pool; join again")
        }
        requester.registry.heartbeat(node, at: now, free: free, added: added, removed: removed, fetched: fetched, local: local)
        // The private roots can change only when a pin goes, or comes private, or comes public
        // again (one withheld now): otherwise no walk, and no look at every node's pins.
        let privateData = requester.privateData
        if !removed.isEmpty || added.contains(where: { $0.isPrivate || !privateData.withheld.allows($0.cid) }) {
            try await offload { privateData.refresh() }
        }
        try store.renewLeases(node: node, until: now + requester.configuration.lease.timeInterval, running: body.running)
        let stop = try store.executionsToStop(node: node, running: body.running)
        requester.metrics.inputBytes("fetched").increment(by: fetched)
        requester.metrics.inputBytes("local").increment(by: local)
        if !added.isEmpty || !removed.isEmpty || body.free != nil { requester.placement.wake() }
        // A fresh ticket with every beat: one the node stops getting (revoked) runs out soon,
        // and until it does, every beat names the revoked nodes so gateways refuse them at once.
        let ticket = try requester.tickets.ticket(for: try DIDKey(node))
        let revoked = requester.tokens.nodesRevoked(since: now - requester.tickets.lifetime.timeInterval - PeerTicket.clockSkew.timeInterval)
        return try JSONResponse.make(HeartbeatResponse(cancel: stop, peerTicket: ticket, revokedNodes: revoked.isEmpty ? nil : revoked))
    }

    func claim(_ request: Request, _ context: RequesterContext) async throws -> Response {
        let node = try Self.parameter(context, "node")
        _ = try context.authentication.requireNode(node)
        let wait = try Self.integer(request, "wait", default: 30, range: 0...60)
        let max = try Self.integer(request, "max", default: 1, range: 1...1000)
        guard requester.registry.node(node) != nil else { throw RequesterError(.notFound, "node \(node) is not in the pool; join again") }
        let deadline = ContinuousClock.now + .seconds(wait)
        while true {
            // Listen before looking, so a placement made after the look still wakes this poll.
            let ticket = requester.claims.listen(node)
            defer { requester.claims.forget(ticket) }
            // With the other claims that arrive now, in one transaction (``ClaimBatcher``).
            let claimed = try await requester.claimBatcher.claim(node: node, limit: max)
            if !claimed.isEmpty {
                // The assignment for its inputs (the providers): as the dispatcher queued it, or
                // decoded from the stored text (queued before a restart). The stored text goes
                // out as it is (``ClaimAnswer``).
                let entries = try claimed.map { execution -> ClaimAnswer.Entry in
                    let step = try requester.placement.demands.assignment(execution.id) ?? DemandBuilder.assignment(of: execution)
                    return ClaimAnswer.Entry(
                        execution: execution.id, leaseExpires: execution.leaseExpires ?? Date(),
                        providers: requester.providers.providers(for: step, claimant: node), storedStep: execution.assignment)
                }
                for job in Set(claimed.map(\.jobID)) { requester.events.ring(job) }
                return Response(
                    status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                    body: ResponseBody(byteBuffer: try ClaimAnswer.body(entries)))
            }
            if ContinuousClock.now >= deadline || requester.claims.isClosed { return Response(status: .noContent) }
            await requester.claims.wait(ticket, timeout: deadline - ContinuousClock.now)
        }
    }

    func leave(_ context: RequesterContext) throws -> Response {
        let node = try Self.parameter(context, "node")
        _ = try context.authentication.requireNode(node)
        let returned = try takeOut(node, reason: "the node left the pool")
        requester.configuration.logger.info("node \(node) left; \(returned) running step(s) handed back")
        return try JSONResponse.make([String: Int]())
    }

    /// Marks `node` down and hands its unfinished steps back to the queue (not counted as
    /// losses); returns how many were handed back.
    func takeOut(_ node: String, reason: String) throws -> Int {
        let store = requester.store
        let returned = try store.releaseExecutions(node: node, as: .returned, reason: reason)
        for execution in returned { requester.board.complete(execution.id, .returned(node: node)) }
        try store.setNodeState(node, to: .down)
        requester.registry.setState(node, .down)
        requester.placement.wake()
        return returned.count
    }

    /// Records a report, storing the blocks it carries first (see ``ReportRecorder``): with the
    /// step's blocks in the body, a finished step costs its worker this one request.
    func report(_ request: Request, _ context: RequesterContext) async throws -> Response {
        let id = try Self.parameter(context, "execution")
        let principal = try context.authentication.require([.node])
        guard let node = principal.node else { throw RequesterError(.forbidden, "only a node's credential may report") }
        let body = try await JSONResponse.decode(ExecutionReport.self, from: request, limit: requester.configuration.limits.jsonBody)
        let blocks = try ReportBlocks(body.blocks ?? [])
        let recorder = ReportRecorder(store: requester.store, repo: requester.repo, registry: requester.registry)
        let result: ReportRecorder.Result
        do {
            // Block files and a flush to disk when blocks came: off the event loop's threads.
            result = blocks.isEmpty
                ? try recorder.record(execution: id, node: node, outcome: body.outcome)
                : try await offload { try recorder.record(execution: id, node: node, outcome: body.outcome, blocks: blocks) }
        } catch let error as RequesterError where error.code == .conflict {
            requester.metrics.reports("conflict").increment()
            throw error
        } catch let error as BlockStoreError {
            throw RequesterError(.internalError, "cannot store the report's blocks: \(error.message)")
        }
        switch result {
        case .duplicate(_, _, let newBlocks), .recorded(_, _, let newBlocks):
            if newBlocks > 0 {
                let privateData = requester.privateData
                try await offload { privateData.refresh(rewalk: true) }
            }
        }
        switch result {
        case .duplicate(let execution, let outcome, _):
            requester.metrics.reports("duplicate").increment()
            requester.logs.retireIfDone(execution.id, store: requester.store, repo: requester.repo)
            // Told again: the first recording may have failed before its dispatcher heard of it.
            requester.board.complete(execution.id, .reported(outcome))
            requester.events.ring(execution.jobID)
            return try JSONResponse.make(ReportResponse(recorded: false, duplicate: true))
        case .recorded(let execution, let outcome, _):
            requester.metrics.reports("recorded").increment()
            if outcome.status == .failed, let reason = outcome.reason { requester.metrics.sandboxFailures(reason).increment() }
            requester.board.complete(execution.id, .reported(outcome))
            requester.placement.wake()
            // Its logs are now the stdout/stderr blocks it sent or uploaded: the live files go (a
            // follower reads the rest from those blocks).
            requester.logs.retireIfDone(execution.id, store: requester.store, repo: requester.repo)
            requester.logBell.ring(execution.id)
            requester.events.ring(execution.jobID)
            return try JSONResponse.make(ReportResponse(recorded: true, duplicate: false))
        }
    }

    func appendLog(_ request: Request, _ context: RequesterContext) async throws -> Response {
        let id = try Self.parameter(context, "execution")
        let principal = try context.authentication.require([.node])
        guard let streamName = Self.query(request, "stream"), let stream = LogStore.Stream(rawValue: streamName) else {
            throw RequesterError(.badRequest, "stream must be stdout or stderr")
        }
        guard let offsetText = Self.query(request, "offset"), let offset = Int(offsetText), offset >= 0 else {
            throw RequesterError(.badRequest, "offset must be a whole number of bytes")
        }
        guard let execution = try requester.store.execution(id) else { throw RequesterError(.notFound, "no execution \(id)") }
        guard execution.node == principal.node, principal.node != nil else {
            throw RequesterError(.forbidden, "execution \(id) is not held by this node")
        }
        guard execution.state.holdsLease || execution.state == .reported else {
            throw RequesterError(.conflict, "execution \(id) is \(execution.state.rawValue); its logs are closed")
        }
        if execution.state == .reported, try requester.logs.isStored(execution, repo: requester.repo) {
            throw RequesterError(.conflict, "execution \(id) was reported with its logs stored as blocks; its live logs are closed")
        }
        let body = try await JSONResponse.collect(request, limit: requester.configuration.limits.logAppend)
        let size = try requester.logs.append(id, stream, offset: offset, bytes: Array(body.readableBytesView))
        if execution.state == .assigned { try requester.store.renewLeases(node: execution.node!, until: Date() + requester.configuration.lease.timeInterval, running: [id]) }
        requester.logBell.ring(id)
        return try JSONResponse.make(["size": size])
    }

    /// A pin report as stored (400 for a bad CID or a negative size).
    static func pin(_ report: PinReport) throws -> NodePin {
        guard let cid = try? CID(report.cid) else { throw RequesterError(.badRequest, "pin '\(report.cid)' is not a CID") }
        guard report.size >= 0 else { throw RequesterError(.badRequest, "pin \(report.cid) has a negative size") }
        return NodePin(cid: cid, size: report.size, isPrivate: report.private ?? false)
    }
}
