import BlockStore
import Foundation
import Gateway
import Hummingbird
import IPLD
import Logging
import Orchestrator
import PoolAPI
import PoolClient
import Provenance
import Sandbox
import ShoalTesting
import Synchronization
import UnixFS

@testable import Worker

/// A worker home, a fake requester and a peer holding data, for the agent's tests.
struct AgentWorld {
    let folder = TemporaryDirectory("agent")
    let requester = FakeRequester()
    /// Another node's repository, served as a provider behind the pool's peer tickets.
    let peer: Repo
    /// The bearer tokens the peer's gateway was shown.
    let peerTokens = TokenLog()

    init() throws {
        peer = try Repo(home: folder.file("peer"))
    }

    var home: String { folder.file("worker") }

    /// The peer's gateway, as the pool's nodes serve one: to peer tickets of the fake requester's pool.
    func peerRouter() -> Router<BasicRequestContext> {
        let router = Router()
        let group = router.group().add(middleware: BearerTokenMiddleware(verifier: RecordingVerifier { [peerTokens] token in
            peerTokens.append(token)
            return (try? PeerTicket.verify(token, pool: FakeRequester.pool.didKey)) != nil
        }))
        GatewayRoutes(source: peer).register(on: group)
        return router
    }

    func configuration(_ url: String, drain: Duration = .seconds(30), isolation: SandboxIsolation = .sandboxed) -> WorkerAgent.Configuration {
        WorkerAgent.Configuration(
            home: home, requester: PoolClient.Configuration(url: url, token: FakeRequester.workerToken, requestTimeout: .seconds(10)),
            listenHost: "127.0.0.1", listenPort: 0, labels: ["zone": "test"], slots: 2, isolation: isolation, drainTimeout: drain,
            claimWait: 1, heartbeatInterval: .milliseconds(150), logInterval: .milliseconds(50))
    }

    static var logger: Logger {
        var logger = Logger(label: "agent-test")
        logger.logLevel = .critical
        return logger
    }

    /// An assignment of a recipe running `run` with `inputs`, as the requester would send it.
    func assignment(
        _ execution: String, run: [String], tool: CID? = nil, inputs: [String: CID] = [:], providers: [String: [String]] = [:],
        task: String = "t"
    ) throws -> Assignment {
        let recipe = Recipe(
            tool: tool, run: run, inputs: inputs, params: [:], env: [:], engine: Recipe.sandboxEngine,
            limits: ["network": .string("none")])
        let step = try StepAssignment(jobID: "0000000001pool", taskID: task, attempt: 1, recipe: recipe, outputs: ["out"], cache: true)
        return Assignment(execution: execution, leaseExpires: Date().addingTimeInterval(30), step: step, providers: providers)
    }
}

/// Runs the agent's gateway and the agent as a service group while `body` runs, then triggers a
/// graceful shutdown (what SIGTERM does) and waits for the group to stop.
func withAgent<T: Sendable>(
    _ agent: WorkerAgent, _ body: @Sendable (WorkerAgent) async throws -> T
) async throws -> T {
    let group = agent.serviceGroup(gracefulShutdownSignals: [])
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let result = try await body(agent)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

/// A step runner scripted by a test (the agent's own logic without the sandbox).
struct ScriptedRunner: StepRunning {
    let script: @Sendable (StepAssignment) async -> StepOutcome

    func execute(_ assignment: StepAssignment) async -> StepOutcome { await script(assignment) }

    /// Runs until cancelled (or for `finishAfter`), recording starts, ends and cancellations in `events`.
    static func sleeping(_ events: EventLog = EventLog(), finishAfter: Duration? = nil) -> ScriptedRunner {
        ScriptedRunner { assignment in
            events.append("started \(assignment.taskID)")
            do {
                try await Task.sleep(for: finishAfter ?? .seconds(3600))
            } catch {
                events.append("cancelled \(assignment.taskID)")
                return .unrecorded(assignment, status: .cancelled, reason: .cancelled, message: "cancelled")
            }
            events.append("finished \(assignment.taskID)")
            return StepOutcome(
                jobID: assignment.jobID, taskID: assignment.taskID, attempt: assignment.attempt, status: .failed,
                reason: "exit-code", exitCode: 1, recipe: assignment.recipeCID)
        }
    }
}

/// Lines a test's scripted parts append to, in order.
final class EventLog: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// Bearer tokens a test gateway was shown, in order.
final class TokenLog: Sendable {
    private let tokens = Mutex<[String]>([])
    func append(_ token: String) { tokens.withLock { $0.append(token) } }
    var all: [String] { tokens.withLock { $0 } }
}
