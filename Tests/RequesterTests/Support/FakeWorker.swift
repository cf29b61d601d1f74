import Foundation
import IPLD
import Orchestrator
import PoolAPI
import Provenance
import Synchronization

/// A scripted worker for exercising the worker API: it joins with a worker token, heartbeats
/// when asked (or in the background), claims, appends logs and reports outcomes it is told to.
/// The real agent is `shoal worker`; this one runs nothing.
final class FakeWorker: Sendable {
    let pool: TestPool
    let identity: NodeIdentity
    let url: String
    private let state: Mutex<(credential: String, running: [String])>

    var node: String { identity.didKey.string }
    var credential: String { state.withLock { $0.credential } }

    init(pool: TestPool, url: String = "http://127.0.0.1:9", identity: NodeIdentity = .generate(), credential: String = "") {
        self.pool = pool
        self.url = url
        self.identity = identity
        state = Mutex((credential, []))
    }

    /// Joins (or joins again) with `slots` and these pins; returns the answer.
    @discardableResult
    func join(slots: Int = 1, pins: [PinReport] = [], labels: [String: String] = [:], token: String? = nil) async throws -> JoinResponse {
        let workerToken: String
        if let token { workerToken = token } else { workerToken = try await pool.token(.worker) }
        let request = try await signedJoin(slots: slots, pins: pins, labels: labels, token: workerToken)
        let exchange = try await pool.send("POST", PoolAPI.Path.join, token: workerToken, json: request)
        try exchange.expect(200)
        let response = try exchange.decode(JoinResponse.self)
        state.withLock { $0.credential = response.credential }
        return response
    }

    /// A fresh challenge from the requester (`POST /api/v1/nodes/challenge`).
    func challenge(token: String) async throws -> JoinChallenge {
        let exchange = try await pool.send("POST", PoolAPI.Path.challenge, token: token)
        try exchange.expect(200)
        return try exchange.decode(JoinChallenge.self)
    }

    /// This worker's join, signed with its key in answer to a fresh challenge (not sent).
    func signedJoin(slots: Int = 1, pins: [PinReport] = [], labels: [String: String] = [:], token: String) async throws -> JoinRequest {
        let request = JoinRequest(
            node: node, url: url, labels: labels, capacity: Capacity(slots: slots, milliCPU: 0, memory: 0, disk: 0), pins: pins)
        return try request.signed(with: identity, challenge: try await challenge(token: token))
    }

    /// One heartbeat listing what this worker runs; returns the executions to stop.
    @discardableResult
    func heartbeat(_ body: Heartbeat? = nil) async throws -> HeartbeatResponse {
        let running = state.withLock { $0.running }
        let beat = body ?? Heartbeat(running: running)
        let exchange = try await pool.send("POST", PoolAPI.Path.heartbeat(node), token: credential, json: beat)
        try exchange.expect(200)
        return try exchange.decode(HeartbeatResponse.self)
    }

    /// Heartbeats every 200 ms while `body` runs.
    func heartbeating<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    _ = try? await self.heartbeat()
                    try? await Task.sleep(for: .milliseconds(200))
                }
                return nil
            }
            let result = try await body()
            group.cancelAll()
            return result
        }
    }

    /// One claim long-poll.
    func claim(wait: Int = 0, max: Int = 1) async throws -> [Assignment] {
        let exchange = try await pool.send("POST", PoolAPI.Path.claim(node) + "?wait=\(wait)&max=\(max)", token: credential)
        if exchange.status == 204 { return [] }
        try exchange.expect(200)
        let assignments = try exchange.decode([Assignment].self)
        state.withLock { $0.running += assignments.map(\.execution) }
        return assignments
    }

    /// Claims until an assignment comes (bounded), heartbeating meanwhile.
    func claimOne(timeout: Duration = .seconds(20)) async throws -> Assignment {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let assignment = try await claim(wait: 1).first { return assignment }
            _ = try? await heartbeat()
        }
        throw TestFailure("node \(node) got no assignment")
    }

    /// Reports `outcome` for `assignment` (by default a success with one output per declared
    /// name, its signed step uploaded first: ``recordedSuccess(_:stdout:)``).
    func report(_ assignment: Assignment, _ given: StepOutcome? = nil) async throws -> Exchange {
        let outcome: StepOutcome
        if let given { outcome = given } else { outcome = try await recordedSuccess(assignment) }
        let exchange = try await pool.send(
            "POST", PoolAPI.Path.report(assignment.execution), token: credential, json: ExecutionReport(outcome: outcome))
        if exchange.status == 200 { state.withLock { $0.running.removeAll { $0 == assignment.execution } } }
        return exchange
    }

    /// Sends `body` as the report of `assignment` (the blocks it carries included).
    func send(_ assignment: Assignment, _ body: ExecutionReport) async throws -> Exchange {
        let exchange = try await pool.send("POST", PoolAPI.Path.report(assignment.execution), token: credential, json: body)
        if exchange.status == 200 { state.withLock { $0.running.removeAll { $0 == assignment.execution } } }
        return exchange
    }

    /// A success for `assignment` as the worker agent reports a small step: one request, the
    /// signed step, its recipe and attestation (and `extra` blocks) carried inside the report.
    func carriedSuccess(_ assignment: Assignment, extra: [Block] = []) throws -> (report: ExecutionReport, written: ProvenanceWriter.Written) {
        var outcome = succeeded(assignment)
        let written = try signedStep(of: outcome, assignment)
        outcome.step = written.step
        outcome.attestation = written.attestation
        return (ExecutionReport(outcome: outcome, blocks: (written.blocks + extra).map(ReportBlock.init)), written)
    }

    /// Forgets what it runs (a crash: the next heartbeat lists nothing).
    func forgetRunning() { state.withLock { $0.running = [] } }

    /// A success for `assignment` as a real worker reports it: the step and its attestation,
    /// signed with this worker's key, are uploaded to the requester, and the outcome names them.
    func recordedSuccess(_ assignment: Assignment, stdout: CID? = nil) async throws -> StepOutcome {
        var outcome = succeeded(assignment, stdout: stdout)
        let written = try signedStep(of: outcome, assignment)
        try await upload(written)
        outcome.step = written.step
        outcome.attestation = written.attestation
        return outcome
    }

    /// Uploads the provenance blocks of a written step (`POST /api/v1/blocks`).
    func upload(_ written: ProvenanceWriter.Written) async throws {
        let upload = try await pool.send(
            "POST", PoolAPI.Path.blocks, token: credential, body: carBytes(roots: [written.step, written.attestation], blocks: written.blocks),
            contentType: "application/vnd.ipld.car")
        try upload.expect(200)
    }

    /// The signed step of `outcome` (not uploaded).
    func signedStep(of outcome: StepOutcome, _ assignment: Assignment) throws -> ProvenanceWriter.Written {
        let empty = Block(bytes: [], codec: .raw).cid
        let step = Step(
            recipe: assignment.step.recipeCID, outputs: outcome.outputs, stdout: outcome.stdout ?? empty, stderr: outcome.stderr ?? empty,
            exitCode: outcome.exitCode ?? 0, node: node, job: assignment.step.jobID, task: assignment.step.taskID,
            started: ProvenanceTime.now(), finished: ProvenanceTime.now())
        return try ProvenanceWriter(sink: MemoryBlockstore(), index: MemoryProvenanceIndex(), identity: identity)
            .write(recipe: assignment.step.recipe, step: step)
    }

    /// A success for `assignment` with one output CID per declared output, naming no step.
    func succeeded(_ assignment: Assignment, stdout: CID? = nil) -> StepOutcome {
        let step = assignment.step
        var outputs: [String: CID] = [:]
        for name in step.outputs {
            outputs[name] = Block(bytes: Array("\(step.jobID)/\(step.taskID)/\(name)".utf8), codec: .raw).cid
        }
        return StepOutcome(
            jobID: step.jobID, taskID: step.taskID, attempt: step.attempt, status: .succeeded, exitCode: 0, recipe: step.recipeCID,
            outputs: outputs, stdout: stdout, node: node, outputBytes: 64)
    }

    /// A failure for `assignment`.
    func failed(_ assignment: Assignment, reason: String = "exit-code") -> StepOutcome {
        let step = assignment.step
        return StepOutcome(
            jobID: step.jobID, taskID: step.taskID, attempt: step.attempt, status: .failed, reason: reason, message: "exited with code 3",
            exitCode: 3, recipe: step.recipeCID, node: node, stderrTail: "boom")
    }
}
