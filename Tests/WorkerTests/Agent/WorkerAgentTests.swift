import BlockStore
import Foundation
import Gateway
import Hummingbird
import IPLD
import Orchestrator
import PoolAPI
import PoolClient
import Provenance
import ShoalTesting
import Synchronization
import Testing
import UnixFS

@testable import Worker

/// The agent as a whole against an in-memory requester and a real peer gateway.
@Suite struct WorkerAgentTests {
    @Test(.enabled(if: canSandbox, "the sandbox needs root"))
    func anAssignmentIsFetchedRunReportedAndItsOutputKeptHere() async throws {
        let world = try AgentWorld()
        // The corpus is on the requester (an uploaded input), the tool on a peer.
        let corpusBlock = Block(bytes: Array("a\nb\nc\n".utf8), codec: .raw)
        try world.requester.blocks.put(corpusBlock)
        let corpus = corpusBlock.cid
        let tool = try world.peer.write { writer -> CID in
            let dir = TemporaryDirectory("tool")
            try dir.write("count.sh", text: "wc -l < /inputs/corpus > /outputs/out/lines\necho counting\necho warn >&2\n")
            let cid = try UnixFSImporter(profile: .shoalDefault, sink: writer).importPath(dir.path, options: ImportOptions(recursive: true)).cid
            try writer.pin(cid)
            return cid
        }
        try await withServers([world.requester.router(), world.peerRouter()]) { urls in
            let agent = try await WorkerAgent.make(world.configuration(urls[0]), logger: AgentWorld.logger)
            let providers = [corpus.string: [urls[0]], tool.string: [urls[1]]]
            world.requester.queue(try world.assignment("e1", run: ["sh", "count.sh"], tool: tool, inputs: ["corpus": corpus], providers: providers))
            try await withAgent(agent) { agent in
                try await world.requester.wait { $0.reports["e1"] != nil }
                let output = world.requester.snapshot.reports["e1"]?.first?.outcome.outputs["out"]?.string ?? "none"
                // The next heartbeats carry the output as a new pin and the fetched bytes.
                try await world.requester.wait { state in
                    Set(state.heartbeats.flatMap(\.pinsAdded).map(\.cid)).contains(output)
                        && state.heartbeats.map(\.fetchedBytes).reduce(0, +) > 0
                }
                #expect(try agent.repo.unixfs.bytes(corpus) == Array("a\nb\nc\n".utf8))
            }
        }
        let state = world.requester.snapshot
        // The peer was shown the node's peer ticket, the requester's gateway its credential (never a ticket).
        let node = try #require(state.joins.first?.node)
        #expect(!world.peerTokens.all.isEmpty)
        for token in world.peerTokens.all {
            #expect(try PeerTicket.verify(token, pool: FakeRequester.pool.didKey).node.string == node)
            #expect(state.tickets.contains(token))
        }
        #expect(!state.gatewayTokens.isEmpty)
        #expect(state.gatewayTokens.allSatisfy { $0 == FakeRequester.credential })
        let join = try #require(state.joins.first)
        #expect(join.labels == ["zone": "test"])
        #expect(join.capacity.slots == 2)
        #expect(join.url.hasPrefix("http://127.0.0.1:"))
        let outcome = try #require(state.reports["e1"]?.first?.outcome)
        #expect(outcome.status == .succeeded, "\(outcome)")
        let output = try #require(outcome.outputs["out"])
        #expect(String(decoding: state.logs["e1"]?["stdout"] ?? [], as: UTF8.self) == "counting\n")
        #expect(String(decoding: state.logs["e1"]?["stderr"] ?? [], as: UTF8.self) == "warn\n")
        // The provenance went up inside the report: one request, no upload; the worker left after it.
        #expect(state.uploads.isEmpty)
        #expect(state.journal.contains("report e1"))
        #expect(state.journal.last == "leave")
        let added = Set(state.heartbeats.flatMap(\.pinsAdded).map(\.cid))
        #expect(added.isSuperset(of: [output.string, corpus.string, tool.string]))
        // The report carries the recipe, step, attestation and both log DAGs, every block
        // matching its CID, and not the outputs or inputs (they stay here).
        let carried = try #require(state.reports["e1"]?.first?.blocks)
        for block in carried { #expect(block.cid.verifies(block.data), "\(block.cid)") }
        let cids = Set(carried.map(\.cid))
        #expect(cids.isSuperset(of: [outcome.recipe, outcome.step!, outcome.attestation!, outcome.stdout!, outcome.stderr!]))
        #expect(!cids.contains(output))
        #expect(!cids.contains(corpus))
    }

    @Test func blocksTooLargeToCarryAreUploadedFirstAndTheReportSentWithoutThem() async throws {
        let world = try AgentWorld()
        let repoOfAgent = AgentRepo()
        world.requester.update { $0.refuseCarried = 1 }
        try await withServers([world.requester.router()]) { urls in
            let agent = try await WorkerAgent.make(
                world.configuration(urls[0], isolation: .insecureNoSandbox), runner: Self.signingRunner(repoOfAgent),
                logger: AgentWorld.logger)
            repoOfAgent.repo.withLock { $0 = agent.repo }
            world.requester.queue(try world.assignment("e1", run: ["ok"]))
            try await withAgent(agent) { _ in
                try await world.requester.wait { $0.reports["e1"] != nil }
            }
        }
        let state = world.requester.snapshot
        let journal = state.journal.filter { $0.hasPrefix("upload") || $0.hasPrefix("report") }
        #expect(journal == ["report e1 too large", "upload", "report e1"])
        #expect(state.carried.count == 2 && state.carried[0] > 0 && state.carried[1] == 0, "\(state.carried)")
        #expect(state.reports["e1"]?.first?.outcome.status == .succeeded)
    }

    @Test func shutdownWaitsForRunningStepsUpToTheDeadlineThenCancelsThemAndLeaves() async throws {
        let world = try AgentWorld()
        let events = EventLog()
        try await withServers([world.requester.router()]) { urls in
            let agent = try await WorkerAgent.make(
                world.configuration(urls[0], drain: .milliseconds(300), isolation: .insecureNoSandbox),
                runner: ScriptedRunner.sleeping(events), logger: AgentWorld.logger)
            world.requester.queue(try world.assignment("e1", run: ["forever"]))
            try await withAgent(agent) { _ in
                try await world.requester.wait { $0.heartbeats.contains { $0.running == ["e1"] } }
            }
            #expect(await agent.table.runningIDs.isEmpty)
        }
        #expect(events.all == ["started t", "cancelled t"])
        let state = world.requester.snapshot
        #expect(state.reports.isEmpty)  // handed back by leaving, not reported
        #expect(state.leaves == 1)
    }

    @Test func aStepThatFinishesWithinTheDeadlineIsReportedBeforeTheAgentLeaves() async throws {
        let world = try AgentWorld()
        let events = EventLog()
        try await withServers([world.requester.router()]) { urls in
            let agent = try await WorkerAgent.make(
                world.configuration(urls[0], drain: .seconds(60), isolation: .insecureNoSandbox),
                runner: ScriptedRunner.sleeping(events, finishAfter: .milliseconds(500)), logger: AgentWorld.logger)
            world.requester.queue(try world.assignment("e1", run: ["short"]))
            try await withAgent(agent) { _ in
                try await world.requester.wait { !$0.claimed.isEmpty }
            }
        }
        #expect(events.all == ["started t", "finished t"])
        #expect(world.requester.snapshot.journal.suffix(2) == ["report e1", "leave"])
    }

    @Test func anInputThatIsNotHereAndHasNoProviderFailsTheStepWithoutRunningIt() async throws {
        // What a claimant lacking a private input gets: the requester names no provider for it.
        let world = try AgentWorld()
        let events = EventLog()
        let missing = Block(bytes: Array("held only by its owner".utf8), codec: .raw).cid
        try await withServers([world.requester.router()]) { urls in
            let agent = try await WorkerAgent.make(
                world.configuration(urls[0], isolation: .insecureNoSandbox), runner: ScriptedRunner.sleeping(events),
                logger: AgentWorld.logger)
            world.requester.queue(try world.assignment("e1", run: ["never"], inputs: ["secret": missing]))
            try await withAgent(agent) { _ in
                try await world.requester.wait { $0.reports["e1"] != nil }
            }
        }
        #expect(events.all.isEmpty)
        let outcome = try #require(world.requester.snapshot.reports["e1"]?.first?.outcome)
        #expect(outcome.status == .failed)
        #expect(outcome.message?.contains("cannot fetch input 'secret' \(missing)") == true, "\(outcome)")
        #expect(outcome.message?.contains("no provider was named") == true, "\(outcome)")
    }

    /// The agent's repository, once the agent exists (the signing runner writes into it).
    final class AgentRepo: Sendable {
        let repo = Mutex<Repo?>(nil)
    }

    /// A runner whose steps succeed with a real signed step in the agent's repository, as
    /// StepExecutor leaves one.
    static func signingRunner(_ repoOfAgent: AgentRepo) -> ScriptedRunner {
        let identity = NodeIdentity.generate()
        return ScriptedRunner { assignment in
            let output = Block(bytes: Array("result".utf8), codec: .raw), log = Block(bytes: [], codec: .raw)
            let step = Step(
                recipe: assignment.recipeCID, outputs: ["out": output.cid], stdout: log.cid, stderr: log.cid, exitCode: 0,
                node: identity.didKey.string, job: assignment.jobID, task: assignment.taskID, started: ProvenanceTime.now(),
                finished: ProvenanceTime.now())
            do {
                let written = try ProvenanceWriter(sink: MemoryBlockstore(), index: MemoryProvenanceIndex(), identity: identity)
                    .write(recipe: assignment.recipe, step: step)
                guard let repo = repoOfAgent.repo.withLock({ $0 }) else { throw AgentTestFailure("no repository") }
                try repo.write { writer in for block in written.blocks + [output, log] { try writer.put(block) } }
                return StepOutcome(
                    jobID: assignment.jobID, taskID: assignment.taskID, attempt: assignment.attempt, status: .succeeded, exitCode: 0,
                    recipe: assignment.recipeCID, step: written.step, attestation: written.attestation, outputs: ["out": output.cid],
                    stdout: log.cid, stderr: log.cid)
            } catch {
                return .unrecorded(assignment, status: .failed, reason: .internalError, message: "\(error)")
            }
        }
    }

    @Test func aReportRefusedForWantOfItsStepUploadsTheProvenanceAgain() async throws {
        // What a requester that predates blocks in reports answers: it ignores them, lacks the step.
        let world = try AgentWorld()
        let repoOfAgent = AgentRepo()
        world.requester.update { $0.lackStep = 2 }
        try await withServers([world.requester.router()]) { urls in
            let agent = try await WorkerAgent.make(
                world.configuration(urls[0], isolation: .insecureNoSandbox), runner: Self.signingRunner(repoOfAgent), logger: AgentWorld.logger)
            repoOfAgent.repo.withLock { $0 = agent.repo }
            world.requester.queue(try world.assignment("e1", run: ["ok"]))
            try await withAgent(agent) { _ in
                try await world.requester.wait { $0.reports["e1"] != nil }
            }
        }
        let journal = world.requester.snapshot.journal.filter { $0.hasPrefix("upload") || $0.hasPrefix("report") }
        #expect(journal == ["report e1 refused", "upload", "report e1 refused", "upload", "report e1"])
        #expect(world.requester.snapshot.reports["e1"]?.first?.outcome.status == .succeeded)
        #expect(world.requester.snapshot.uploads.count == 2)
        // The first report carried the blocks; once uploaded, they are not sent again.
        let carried = world.requester.snapshot.carried
        #expect(carried.count == 3 && carried[0] > 0 && carried.dropFirst().allSatisfy { $0 == 0 }, "\(carried)")
    }

    @Test func aReportStillRefusedAfterAFewUploadsEndsTheExecution() async throws {
        let world = try AgentWorld()
        world.requester.update { $0.lackStep = 100 }
        try await withServers([world.requester.router()]) { urls in
            let agent = try await WorkerAgent.make(
                world.configuration(urls[0], isolation: .insecureNoSandbox), runner: ScriptedRunner.sleeping(finishAfter: .zero),
                logger: AgentWorld.logger)
            world.requester.queue(try world.assignment("e1", run: ["ok"]))
            try await withAgent(agent) { _ in
                try await world.requester.wait { $0.reportAttempts >= AssignmentRunner.provenanceReuploads + 1 }
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        #expect(world.requester.snapshot.reportAttempts == AssignmentRunner.provenanceReuploads + 1)
        #expect(world.requester.snapshot.reports.isEmpty)
    }

    @Test func theRequesterCancelsAnExecutionThroughTheHeartbeat() async throws {
        let world = try AgentWorld()
        let events = EventLog()
        try await withServers([world.requester.router()]) { urls in
            let agent = try await WorkerAgent.make(
                world.configuration(urls[0], isolation: .insecureNoSandbox), runner: ScriptedRunner.sleeping(events),
                logger: AgentWorld.logger)
            world.requester.queue(try world.assignment("e1", run: ["forever"]))
            try await withAgent(agent) { agent in
                try await world.requester.wait { $0.heartbeats.contains { $0.running == ["e1"] } }
                world.requester.update { $0.cancel = ["e1"] }
                try await world.requester.wait { state in state.heartbeats.last.map { $0.running.isEmpty } ?? false }
                #expect(await agent.table.runningIDs.isEmpty)
            }
        }
        #expect(events.all == ["started t", "cancelled t"])
        #expect(world.requester.snapshot.reports.isEmpty)
    }

    @Test func aForgottenNodeJoinsAgainWithItsFullPinList() async throws {
        let world = try AgentWorld()
        let repo = try Repo(home: world.home)
        let data = try repo.addBytes(SplitMix64.bytes(seed: 1, count: 5000)).cid
        try await withServers([world.requester.router()]) { urls in
            let agent = try await WorkerAgent.make(
                world.configuration(urls[0], isolation: .insecureNoSandbox), runner: ScriptedRunner.sleeping(),
                logger: AgentWorld.logger)
            try await withAgent(agent) { _ in
                try await world.requester.wait { !$0.heartbeats.isEmpty }
                world.requester.update { $0.forgetNode = true }
                try await world.requester.wait { $0.joins.count == 2 }
            }
        }
        let joins = world.requester.snapshot.joins
        #expect(joins.allSatisfy { $0.pins == [PinReport(cid: data.string, size: 5000)] })
        // Each join was signed afresh (the fake requester accepts a nonce once, like the real one).
        #expect(Set(joins.compactMap { $0.proof?.nonce }).count == 2)
    }

    /// `shoal token revoke` of the worker token revokes the node's credential too: the agent
    /// tries to join again once, is refused, and stops saying why, instead of retrying for ever.
    @Test func anAgentWhoseCredentialAndWorkerTokenWereRevokedStopsWithAClearError() async throws {
        let world = try AgentWorld()
        let events = EventLog()
        let outcome = try await withServers([world.requester.router()]) { urls in
            let agent = try await WorkerAgent.make(
                world.configuration(urls[0], isolation: .insecureNoSandbox), runner: ScriptedRunner.sleeping(events),
                logger: AgentWorld.logger)
            world.requester.queue(try world.assignment("e1", run: ["forever"]))
            let group = agent.serviceGroup(gracefulShutdownSignals: [])
            let running = Task { () -> (any Error)? in
                do {
                    try await group.run()
                    return nil
                } catch {
                    return error
                }
            }
            try await world.requester.wait { $0.heartbeats.contains { $0.running == ["e1"] } }
            world.requester.update { $0.revoked = true }
            // Bounded: a stop that never comes fails the test instead of hanging it.
            let watchdog = Task {
                try await Task.sleep(for: .seconds(30))
                await group.triggerGracefulShutdown()
            }
            let error = await running.value
            watchdog.cancel()
            return (error, await agent.table.runningIDs)
        }
        let error = try #require(outcome.0 as? WorkerError, "the agent did not stop with a WorkerError: \(String(describing: outcome.0))")
        #expect(error.code == .refused)
        #expect(error.message.contains("this node credential was revoked"))
        #expect(error.message.contains("the bearer token was revoked"))
        #expect(outcome.1.isEmpty)
        #expect(events.all == ["started t", "cancelled t"])
        let state = world.requester.snapshot
        // One join, then one rejoin attempt (its challenge asked for at most twice): no spinning.
        #expect(state.joins.count == 1)
        #expect(state.challengeRequests <= 3, "\(state.challengeRequests) challenges asked for")
        // The node cannot leave with a revoked credential; it does not try.
        #expect(state.leaves == 0)
    }

    @Test func aRestartCleansUpWhatTheDeadProcessLeft() async throws {
        let world = try AgentWorld()
        let journal = ExecutionJournal(home: WorkerHome(world.home))
        let old = try world.assignment("e-old", run: ["x"], task: "old")
        journal.record(old)
        let logs = WorkerHome(world.home).logs(job: old.step.jobID, task: "old", attempt: 1)
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        try Data("partial".utf8).write(to: URL(fileURLWithPath: logs + "/stdout.log"))
        // A scratch folder of a process that no longer exists.
        let scratch = world.home + "/work/999999-0000000001pool-old-1-x"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        world.requester.update { $0.abandon = ["e-old"] }
        try await withServers([world.requester.router()]) { urls in
            let agent = try await WorkerAgent.make(
                world.configuration(urls[0], isolation: .insecureNoSandbox), runner: ScriptedRunner.sleeping(),
                logger: AgentWorld.logger)
            try await withAgent(agent) { _ in try await world.requester.wait { !$0.joins.isEmpty } }
        }
        #expect(journal.leftovers().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: logs))
        #expect(!FileManager.default.fileExists(atPath: scratch))
    }

    @Test func theGatewayNeedsAPeerTicketOfThePoolAndNeverServesAPrivateDAG() async throws {
        let world = try AgentWorld()
        let repo = try Repo(home: world.home)
        let open = try repo.addBytes(Array("shared".utf8)).cid
        let secret = try repo.write { writer -> CID in
            let dir = TemporaryDirectory("secret")
            try dir.write("records.csv", text: "patient,1\n")
            let cid = try UnixFSImporter(profile: .shoalDefault, sink: writer).importPath(dir.path, options: ImportOptions(recursive: true)).cid
            try writer.pin(cid)
            return cid
        }
        let file = try repo.unixfs.resolve("\(secret)/records.csv")
        let reader = NodeIdentity.generate().didKey
        let pool = FakeRequester.pool
        let other = NodeIdentity.generate()
        let now = Date()
        // Valid ones live an hour: a loaded host may take minutes to get through the test.
        let valid = try PeerTicket(node: reader, pool: pool.didKey, issued: now, lifetime: .seconds(3600)).signed(with: pool)
        // Refused: a payload changed after signing, another key's signature, another pool, expired, garbage.
        let parts = valid.split(separator: ".").map(String.init)
        let longer = try PeerTicket(node: reader, pool: pool.didKey, issued: now, lifetime: .seconds(99_999)).signed(with: pool)
        let tampered = [parts[0], longer.split(separator: ".").map(String.init)[1], parts[2]].joined(separator: ".")
        let payload = PeerTicket(node: reader, pool: pool.didKey, issued: now, lifetime: .seconds(3600)).payload
        let forgedSignature = try other.signature(for: PeerTicket.message(payload: payload))
        let wrongKey = [parts[0], parts[1], Base64URL.encode(Array(forgedSignature))].joined(separator: ".")
        let otherPool = try PeerTicket(node: reader, pool: other.didKey, issued: now, lifetime: .seconds(3600)).signed(with: other)
        let expired = try PeerTicket(node: reader, pool: pool.didKey, issued: now - 7200, lifetime: .seconds(60)).signed(with: pool)
        let refused = ["guess", tampered, wrongKey, otherPool, expired, "shoal-peer/1.x.y", FakeRequester.credential]
        try await withServers([world.requester.router()]) { urls in
            var configuration = world.configuration(urls[0], isolation: .insecureNoSandbox)
            configuration.privateCIDs = [secret]
            let agent = try await WorkerAgent.make(configuration, runner: ScriptedRunner.sleeping(), logger: AgentWorld.logger)
            try await withAgent(agent) { agent in
                try await world.requester.wait { !$0.joins.isEmpty }
                let gateway = try #require(world.requester.snapshot.joins.first?.url)
                let client = try PoolClient.make(.init(url: gateway, token: nil))
                let peer = client.authorized(by: valid)
                defer { Task { try? await client.shutdown() } }
                let anonymous = await #expect(throws: PoolClientError.self) { try await client.block(open) }
                #expect(anonymous?.code == .unauthorized)
                for token in refused {
                    let refusal = await #expect(throws: PoolClientError.self, "\(token)") { try await client.authorized(by: token).block(open) }
                    #expect(refusal?.status == 401, "\(token)")
                }
                #expect(try await peer.block(open) == Array("shared".utf8))
                // The agent's own ticket, as the fake requester signed it, works too.
                let own = try #require(agent.session.peerTicket)
                #expect(try await client.authorized(by: own).block(open) == Array("shared".utf8))
                for cid in [secret, file] {
                    let withheld = await #expect(throws: PoolClientError.self) { try await peer.block(cid) }
                    #expect(withheld?.code == .notFound)
                }
                #expect(try await peer.health().node == agent.identity.didKey.string)
                let metrics = try await peer.metrics()
                #expect(metrics.contains("shoal_worker_input_bytes_total{source=\"fetched\"} 0"))
                #expect(metrics.contains("shoal_worker_gateway_refused_total{status=\"404\"} 2"))
                #expect(metrics.contains("shoal_worker_slots 2"))
                // Who read: the reader's did:key, and why the others were refused.
                #expect(metrics.contains("shoal_worker_peer_requests_total{node=\"\(reader)\"} 4"), "\(metrics)")
                #expect(metrics.contains("shoal_worker_peer_tickets_refused_total{reason=\"bad-signature\"} 2"), "\(metrics)")
                #expect(metrics.contains("shoal_worker_peer_tickets_refused_total{reason=\"other-pool\"} 1"))
                #expect(metrics.contains("shoal_worker_peer_tickets_refused_total{reason=\"expired\"} 1"))
                #expect(metrics.contains("shoal_worker_peer_tickets_refused_total{reason=\"malformed\"} 3"))
            }
        }
        // The private mark persists and the pin is reported as private.
        #expect(try repo.pins().first { $0.cid == secret }?.isPrivate == true)
        #expect(world.requester.snapshot.joins.first?.pins.first { $0.cid == secret.string }?.private == true)
    }

    @Test func theMetricsTokenOpensMetricsOnlyAndIsNeverCountedAsARefusedTicket() async throws {
        let world = try AgentWorld()
        let repo = try Repo(home: world.home)
        let open = try repo.addBytes(Array("shared".utf8)).cid
        let scrape = "scrape-\(UUID().uuidString)"
        try await withServers([world.requester.router()]) { urls in
            var configuration = world.configuration(urls[0], isolation: .insecureNoSandbox)
            configuration.metricsToken = scrape
            let agent = try await WorkerAgent.make(configuration, runner: ScriptedRunner.sleeping(), logger: AgentWorld.logger)
            try await withAgent(agent) { agent in
                try await world.requester.wait { !$0.joins.isEmpty }
                let gateway = try #require(world.requester.snapshot.joins.first?.url)
                let client = try PoolClient.make(.init(url: gateway, token: nil))
                defer { Task { try? await client.shutdown() } }
                let scraper = client.authorized(by: scrape)
                let metrics = try await scraper.metrics()
                #expect(metrics.contains("shoal_worker_slots 2"))
                // Not a peer: no block for the scrape token, nor for a wrong one at /metrics.
                let block = await #expect(throws: PoolClientError.self) { try await scraper.block(open) }
                #expect(block?.status == 401)
                let wrong = await #expect(throws: PoolClientError.self) { try await client.authorized(by: scrape + "x").metrics() }
                #expect(wrong?.status == 401)
                // A peer ticket still opens /metrics; only the two refusals above count as refused tickets.
                let ticket = try #require(agent.session.peerTicket)
                let page = try await client.authorized(by: ticket).metrics()
                let refused = page.split(separator: "\n").filter { $0.hasPrefix("shoal_worker_peer_tickets_refused_total{") }
                    .compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
                #expect(refused == 2, "\(page)")
            }
        }
    }

    @Test func aNodeTheRequesterNamesRevokedIsRefusedBeforeItsTicketExpires() async throws {
        let world = try AgentWorld()
        let open = try Repo(home: world.home).addBytes(Array("shared".utf8)).cid
        let reader = NodeIdentity.generate().didKey
        let ticket = try PeerTicket(node: reader, pool: FakeRequester.pool.didKey, issued: Date(), lifetime: .seconds(3600))
            .signed(with: FakeRequester.pool)
        try await withServers([world.requester.router()]) { urls in
            let agent = try await WorkerAgent.make(
                world.configuration(urls[0], isolation: .insecureNoSandbox), runner: ScriptedRunner.sleeping(), logger: AgentWorld.logger)
            try await withAgent(agent) { agent in
                try await world.requester.wait { !$0.joins.isEmpty }
                let gateway = try #require(world.requester.snapshot.joins.first?.url)
                let client = try PoolClient.make(.init(url: gateway, token: nil))
                defer { Task { try? await client.shutdown() } }
                let peer = client.authorized(by: ticket)
                #expect(try await peer.block(open) == Array("shared".utf8))  // verified, and remembered
                // The requester names it revoked: refused from the next heartbeat on, remembered or not.
                world.requester.update { $0.revokedNodes = [reader.string] }
                let named = world.requester.snapshot.heartbeats.count
                try await world.requester.wait { $0.heartbeats.count >= named + 2 }
                let refusal = await #expect(throws: PoolClientError.self) { try await peer.block(open) }
                #expect(refusal?.status == 401)
                let ownTicket = try #require(agent.session.peerTicket)
                let own = client.authorized(by: ownTicket)
                #expect(try await own.block(open) == Array("shared".utf8))
                let metrics = try await own.metrics(), reason = #"shoal_worker_peer_tickets_refused_total{reason="revoked"}"#
                #expect(metrics.contains(reason), "\(metrics)")
                // Each answer replaces the list: once no longer named, its ticket counts again.
                world.requester.update { $0.revokedNodes = nil }
                let cleared = world.requester.snapshot.heartbeats.count
                try await world.requester.wait { $0.heartbeats.count >= cleared + 2 }
                #expect(try await peer.block(open) == Array("shared".utf8))
            }
        }
    }

    @Test func everyHeartbeatAnswerRenewsTheTicketTheAgentPresents() async throws {
        let world = try AgentWorld()
        try await withServers([world.requester.router()]) { urls in
            let agent = try await WorkerAgent.make(
                world.configuration(urls[0], isolation: .insecureNoSandbox), runner: ScriptedRunner.sleeping(), logger: AgentWorld.logger)
            try await withAgent(agent) { agent in
                try await world.requester.wait { $0.heartbeats.count >= 2 }
                let first = try #require(world.requester.snapshot.tickets.first)
                // The agent holds the newest ticket (a beat may be on its way: wait for it, bounded).
                // Both are read once per look and compared as read: reading them again after the
                // loop would race with the next beat, which signs a new ticket.
                let deadline = Date() + 30
                var (presented, newest) = (agent.session.peerTicket, world.requester.snapshot.tickets.last)
                while presented != newest, Date() < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                    (presented, newest) = (agent.session.peerTicket, world.requester.snapshot.tickets.last)
                }
                #expect(presented == newest, "the agent never held the newest ticket")
                let held = try #require(presented)
                #expect(held != first)
                #expect(try PeerTicket.verify(held, pool: FakeRequester.pool.didKey).node == agent.identity.didKey)
                #expect(agent.session.pool == FakeRequester.pool.didKey)
            }
        }
    }

    @Test func aPrivateCIDThatIsNotPinnedIsRefusedAtStart() async throws {
        let world = try AgentWorld()
        var configuration = world.configuration("http://127.0.0.1:1", isolation: .insecureNoSandbox)
        configuration.privateCIDs = [Block(bytes: [1], codec: .raw).cid]
        let error = await #expect(throws: WorkerError.self) {
            _ = try await WorkerAgent.make(configuration, runner: ScriptedRunner.sleeping(), logger: AgentWorld.logger)
        }
        #expect(error?.message.contains("not pinned here") == true)
    }

    @Test func listeningOnAllInterfacesNeedsAnAdvertisedURL() throws {
        var configuration = try AgentWorld().configuration("http://127.0.0.1:1")
        configuration.listenHost = "0.0.0.0"
        #expect(throws: WorkerError.self) { try WorkerAgent.checkAddresses(configuration) }
        configuration.advertise = "http://10.0.0.2:8421"
        try WorkerAgent.checkAddresses(configuration)
        configuration.advertise = "10.0.0.2:8421"
        #expect(throws: WorkerError.self) { try WorkerAgent.checkAddresses(configuration) }
    }
}
