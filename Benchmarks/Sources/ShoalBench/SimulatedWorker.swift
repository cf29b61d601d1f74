import Foundation
import IPLD
import Orchestrator
import PoolAPI
import PoolClient
import Provenance
import Synchronization

/// A worker of the dispatch benchmark: it joins with a worker token through the real
/// ``PoolClient/PoolClient`` (its own connections, as a separate process would have), then claims
/// like the worker agent does (one long-poll asking for as many assignments as it has free slots),
/// reports every assignment as succeeded at once (one output CID per declared output, as a real
/// step's report would carry, with the step signed with its key, its recipe and attestation
/// inside the report, as the worker agent sends them: one request per finished step), and heartbeats at the interval the requester asked
/// for, listing what it runs. It runs nothing: the benchmark measures the requester, not the sandbox.
final class SimulatedWorker: Sendable {
    let client: PoolClient
    let node: String
    let slots: Int
    let heartbeat: Duration
    let recorder: StartRecorder
    let identity: NodeIdentity
    private let running = Mutex<Set<String>>([])

    private init(
        client: PoolClient, identity: NodeIdentity, slots: Int, heartbeat: Duration, recorder: StartRecorder
    ) {
        self.client = client
        self.identity = identity
        self.node = identity.didKey.string
        self.slots = slots
        self.heartbeat = heartbeat
        self.recorder = recorder
    }

    /// Joins the pool at `url` with a worker `token` and `slots` slots.
    static func join(url: String, token: String, slots: Int, recorder: StartRecorder) async throws -> SimulatedWorker {
        let base = try PoolClient.make(.init(url: url, token: token))
        let identity = NodeIdentity.generate()
        let node = identity.didKey.string
        // Signed like a real worker's join: a challenge, then the join with its proof.
        let response = try await base.join(
            JoinRequest(node: node, url: "http://127.0.0.1:9", capacity: Capacity(slots: slots, milliCPU: 0, memory: 0, disk: 0)),
            signingWith: identity)
        return SimulatedWorker(
            client: base.authorized(by: response.credential), identity: identity, slots: slots,
            heartbeat: .seconds(response.heartbeatSeconds), recorder: recorder)
    }

    /// Claims, reports and heartbeats until cancelled; any other error fails the recorder.
    func run() async {
        do {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await self.heartbeatLoop() }
                let (freed, slotFreed) = AsyncStream<Void>.makeStream()
                var freedSlots = freed.makeAsyncIterator()
                while !Task.isCancelled {
                    let free = slots - running.withLock { $0.count }
                    if free <= 0 {
                        _ = await freedSlots.next()
                        continue
                    }
                    let assignments = try await client.claim(node: node, wait: 30, max: free)
                    recorder.started(assignments.map(\.execution), at: Date().timeIntervalSince1970)
                    for assignment in assignments {
                        running.withLock { _ = $0.insert(assignment.execution) }
                        group.addTask {
                            let answer = try await self.client.report(execution: assignment.execution, try self.recordedSuccess(assignment))
                            guard answer.recorded else { throw BenchFailure("report of \(assignment.execution) not recorded") }
                            self.running.withLock { _ = $0.remove(assignment.execution) }
                            self.recorder.reported()
                            slotFreed.yield()
                        }
                    }
                }
                group.cancelAll()
            }
        } catch {
            if !Task.isCancelled { recorder.fail(BenchFailure("worker \(node.suffix(8)): \(error)")) }
        }
    }

    private func heartbeatLoop() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: heartbeat)
            let list = running.withLock { Array($0) }
            _ = try await client.heartbeat(node: node, Heartbeat(running: list))
        }
    }

    /// A success with one output CID per declared output, carrying its signed step, recipe and
    /// attestation blocks (as the worker agent does for a step whose logs are small).
    private func recordedSuccess(_ assignment: Assignment) throws -> ExecutionReport {
        let step = assignment.step
        var outputs: [String: CID] = [:]
        for name in step.outputs {
            outputs[name] = Block(bytes: Array("\(step.jobID)/\(step.taskID)/\(name)".utf8), codec: .raw).cid
        }
        let empty = Block(bytes: [], codec: .raw).cid
        let now = ProvenanceTime.now()
        let record = Step(
            recipe: step.recipeCID, outputs: outputs, stdout: empty, stderr: empty, exitCode: 0, node: node,
            job: step.jobID, task: step.taskID, started: now, finished: now, parents: step.parents)
        let written = try ProvenanceWriter(sink: MemoryBlockstore(), index: MemoryProvenanceIndex(), identity: identity)
            .write(recipe: step.recipe, step: record)
        let outcome = StepOutcome(
            jobID: step.jobID, taskID: step.taskID, attempt: step.attempt, status: .succeeded, exitCode: 0,
            recipe: step.recipeCID, step: written.step, attestation: written.attestation, outputs: outputs, node: node,
            outputBytes: 64)
        return ExecutionReport(outcome: outcome, blocks: written.blocks.map(ReportBlock.init))
    }
}

/// When each execution was started (its claim returned), how many were reported, and a wait
/// for all of them.
final class StartRecorder: Sendable {
    private struct State {
        var starts: [String: Double] = [:]
        var reported = 0
        var failure: BenchFailure?
        var waiter: CheckedContinuation<Void, any Error>?
    }

    let expected: Int
    private let state = Mutex(State())

    init(expected: Int) { self.expected = expected }

    var starts: [String: Double] { state.withLock { $0.starts } }

    func started(_ executions: [String], at time: Double) {
        state.withLock { state in for id in executions { state.starts[id] = time } }
    }

    func reported() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            state.reported += 1
            guard state.reported >= expected else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func fail(_ failure: BenchFailure) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            if state.failure == nil { state.failure = failure }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: failure)
    }

    /// Returns once every expected execution was reported; throws a worker's failure.
    func waitForAll() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let now: Result<Void, BenchFailure>? = state.withLock { state in
                if let failure = state.failure { return .failure(failure) }
                if state.reported >= expected { return .success(()) }
                state.waiter = continuation
                return nil
            }
            if let now { continuation.resume(with: now) }
        }
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
