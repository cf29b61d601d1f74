import Foundation
import Gateway
import Logging
import PoolAPI
import PoolClient
import ServiceLifecycle

extension WorkerAgent {
    /// The agent as a service: join, then heartbeat and claim until a graceful shutdown, then
    /// drain, leave and return. Needs ``gatewayService()`` running (it waits for its port).
    public func run() async throws {
        defer { portContinuation.finish() }
        do {
            try await serve()
        } catch {
            await table.stopAll(reason: .shutdown)
            await Task { _ = await self.table.waitUntilEmpty() }.value
            try? await session.workerClient.shutdown()
            throw error
        }
        try? await session.workerClient.shutdown()
    }

    func serve() async throws {
        var listening = ports.makeAsyncIterator()
        guard let port = await listening.next(), port > 0 else {
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            throw WorkerError(.io, "the gateway did not start on \(configuration.listenHost):\(configuration.listenPort)")
        }
        let url = advertisedURL(port: port)
        logger.info("gateway listening on \(configuration.listenHost):\(port), advertised as \(url)")
        let joined: Bool = try await cancelWhenGracefulShutdown { [self] in
            do {
                try await joinUntilAccepted(url: url)
                return true
            } catch is CancellationError {
                return false
            }
        }
        guard joined, !Task.isShuttingDownGracefully else { return }

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.heartbeatLoop(url: url) }
            group.addTask {
                do {
                    try await cancelWhenGracefulShutdown { [self] in try await claimLoop() }
                } catch is CancellationError {}
            }
            // The claim loop ends at a graceful shutdown; the heartbeat loop only when the
            // requester refuses this node for good (it throws). Then nothing can be reported or
            // handed back: the claim loop stops, and `run` stops the running steps.
            do {
                try await group.next()
            } catch {
                group.cancelAll()
                throw error
            }
            await drain()
            await leave()
            group.cancelAll()
            try await group.waitForAll()
        }
    }

    // MARK: Joining

    /// Joins, retrying while the requester cannot be reached.
    ///
    /// - Throws: ``PoolClient/PoolClientError`` when the requester refuses the worker token or
    ///   the request (401, 403, 400): waiting would not help.
    func joinUntilAccepted(url: String) async throws {
        var backoff = Backoff(initial: .milliseconds(500), cap: .seconds(10))
        var attempts = 0
        while true {
            try Task.checkCancellation()
            attempts += 1
            do {
                try await join(url: url)
                return
            } catch let error as PoolClientError where error.isTransient {
                if attempts == 1 || attempts % 10 == 0 { logger.warning("cannot join yet: \(error); trying again") }
                try await Task.sleep(for: backoff.next())
            }
        }
    }

    /// One join with the full pin list; stops the executions the requester says to abandon.
    func join(url: String) async throws {
        let pins = try inventory.snapshot()
        let request = JoinRequest(
            node: identity.didKey.string, url: url, labels: configuration.labels, capacity: capacity, pins: pins)
        // Signed afresh on every join (a nonce is accepted once): the proof that this is the node
        // the did:key names, without which the requester refuses the join.
        let response = try await session.workerClient.join(request, signingWith: identity)
        try session.record(response)
        inventory.acknowledge(pins)
        logger.info("joined the pool at \(configuration.requester.url) as \(response.node) with \(pins.count) pin\(pins.count == 1 ? "" : "s")")
        if !response.abandon.isEmpty {
            let stopped = await table.stop(response.abandon, reason: .requester)
            logger.info("abandoning \(response.abandon.count) execution(s) held before a restart\(stopped.isEmpty ? "" : "; stopped \(stopped.joined(separator: ", "))")")
            for id in response.abandon where !stopped.contains(id) { journal.remove(id) }
        }
    }

    // MARK: Heartbeats

    /// The heartbeat interval: the configured override, else the requester's, at least a second.
    var heartbeatInterval: Duration {
        configuration.heartbeatInterval ?? .seconds(max(1, session.joined?.heartbeatSeconds ?? 5))
    }

    /// Beats until cancelled.
    ///
    /// - Throws: ``WorkerError/Code/refused`` when the requester refuses this node for good.
    func heartbeatLoop(url: String) async throws {
        while !Task.isCancelled {
            do { try await Task.sleep(for: heartbeatInterval) } catch { return }
            try await beat(url: url)
        }
    }

    /// One heartbeat: report, then apply the answer (cancel executions) or join again.
    ///
    /// A 404 or 401 means the requester does not know this node, or no longer accepts its
    /// credential (it restarted and forgot the node, or the credential was revoked): the agent
    /// joins again with its worker token. When that join is refused too (the worker token was
    /// revoked with the credential), waiting cannot help: the heartbeat throws
    /// ``WorkerError/Code/refused`` and the agent stops, saying so, instead of trying for ever.
    func beat(url: String) async throws {
        guard let node = session.node else { return }
        do { try refreshPrivacy() } catch { logger.error("cannot withhold the private DAGs: \(error)") }
        let changes: PinInventory.Changes
        do {
            changes = try inventory.changes()
        } catch {
            logger.error("cannot list the pins: \(error)")
            return
        }
        let counts = counters.snapshot()
        let heartbeat = Heartbeat(
            free: NodeCapacity.free(total: capacity, running: await table.runningRecipes, home: configuration.home),
            running: await table.runningIDs, pinsAdded: changes.added, pinsRemoved: changes.removed,
            fetchedBytes: counts.fetchedBytes, localBytes: counts.localBytes)
        do {
            let answer = try await session.nodeClient.heartbeat(node: node, heartbeat)
            inventory.acknowledge(changes.current)
            counters.subtract(counts)
            if let ticket = answer.peerTicket { session.renewTicket(ticket) }
            session.noteRevoked(answer.revokedNodes ?? [])
            if !answer.cancel.isEmpty {
                let stopped = await table.stop(answer.cancel, reason: .requester)
                if !stopped.isEmpty { logger.info("the requester cancelled \(stopped.joined(separator: ", "))") }
            }
        } catch let error as PoolClientError where error.code == .notFound || error.code == .unauthorized {
            logger.warning("the requester does not accept this node any more (\(error.message)); joining again")
            do {
                try await joinUntilAccepted(url: url)
            } catch is CancellationError {
            } catch let refusal as PoolClientError {
                let stop = WorkerError(.refused,
                    "the requester no longer accepts this node (\(error.message)) and refused the worker token when it joined again (\(refusal.message)); start the worker with a valid worker token")
                logger.critical("\(stop.message)")
                throw stop
            } catch {
                logger.error("cannot join again: \(error)")
            }
        } catch is CancellationError {
        } catch {
            logger.warning("heartbeat failed: \(error)")
        }
    }

    // MARK: Claiming

    /// Claims assignments while slots are free, until cancelled (by a graceful shutdown).
    func claimLoop() async throws {
        let runner = assignmentRunner()
        var changes = table.changes.makeAsyncIterator()
        var backoff = Backoff(initial: .milliseconds(500), cap: .seconds(10))
        while !Task.isCancelled {
            let free = await table.freeSlots
            if free == 0 {
                _ = await changes.next()
                continue
            }
            guard let node = session.node else { return }
            let assignments: [Assignment]
            do {
                assignments = try await session.nodeClient.claim(node: node, wait: configuration.claimWait, max: free)
                backoff.reset()
            } catch is CancellationError {
                return
            } catch let error as PoolClientError where error.code == .unauthorized {
                // The credential changed or was revoked: the heartbeat joins again (or stops
                // the agent when it cannot); claims resume with the new credential.
                if Task.isCancelled { return }
                logger.debug("claim refused (\(error.message)); waiting for the heartbeat to join again")
                try await Task.sleep(for: backoff.next())
                continue
            } catch {
                if Task.isCancelled { return }
                logger.warning("claim failed: \(error)")
                try await Task.sleep(for: backoff.next())
                continue
            }
            for assignment in assignments {
                let started = await table.start(assignment) { await runner.run(assignment) }
                if !started { logger.info("execution \(assignment.execution) is already running here") }
            }
        }
    }

    func assignmentRunner() -> AssignmentRunner {
        AssignmentRunner(
            repo: repo, index: store.provenanceIndex, runner: runner, home: home, session: session, inventory: inventory,
            counters: counters, journal: journal, table: table,
            fetcher: BlockFetcher(repo: repo, client: session.workerClient.blocks, logger: logger), logger: logger,
            outcomes: outcomes, logInterval: configuration.logInterval)
    }

    // MARK: Stopping

    /// Lets running steps finish within the drain timeout, then cancels the rest and waits for
    /// them to end (the sandbox kills their process trees).
    func drain() async {
        let running = await table.runningIDs
        if !running.isEmpty {
            logger.info("stopping: waiting up to \(configuration.drainTimeout) for \(running.count) running step(s)")
            if await !table.waitUntilEmpty(timeout: configuration.drainTimeout) {
                let left = await table.runningIDs
                logger.warning("stopping: cancelling \(left.count) step(s) still running: \(left.joined(separator: ", "))")
                await table.stopAll(reason: .shutdown)
            }
        }
        // Not cancellable: the tasks are cancelled already and end quickly; none may outlive the agent.
        await Task { _ = await self.table.waitUntilEmpty() }.value
        await table.close()
    }

    /// Tells the requester this node leaves (its unfinished steps go back to the queue).
    func leave() async {
        guard let node = session.node else { return }
        do {
            try await session.nodeClient.leave(node: node)
            logger.info("left the pool")
        } catch {
            logger.warning("could not tell the requester this node leaves: \(error)")
        }
    }
}
