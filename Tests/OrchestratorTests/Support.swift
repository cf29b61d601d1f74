import Foundation
import GRDB
import IPLD
@testable import JobStore
import Pipeline
import ShoalTesting
import Synchronization
@testable import Orchestrator

/// The events each committed transaction of a store inserted, by sequence number: what the
/// coordinator writes together (one commit for a wave, not one per step).
final class EventTransactions: TransactionObserver, Sendable {
    private let state = Mutex((current: Set<Int64>(), committed: [Set<Int64>]()))

    /// Starts recording the transactions of `store`.
    init(_ store: JobStore) {
        store.pool.add(transactionObserver: self, extent: .databaseLifetime)
    }

    /// The transaction that inserted the event numbered `sequence`.
    func transaction(inserting sequence: Int64) -> Set<Int64>? {
        state.withLock { $0.committed.first { $0.contains(sequence) } }
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        if case .insert(tableName: "event") = eventKind { return true }
        return false
    }

    func databaseDidChange(with event: DatabaseEvent) {
        state.withLock { _ = $0.current.insert(event.rowID) }
    }

    func databaseDidCommit(_ db: Database) {
        state.withLock { state in
            if !state.current.isEmpty { state.committed.append(state.current) }
            state.current = []
        }
    }

    func databaseDidRollback(_ db: Database) {
        state.withLock { $0.current = [] }
    }
}

/// A raw-block CID made from SplitMix64 bytes.
func testCID(_ seed: UInt64) -> CID {
    Block(bytes: SplitMix64.bytes(seed: seed, count: 32), codec: .raw).cid
}

/// Loads spec text that names only CIDs (no local paths).
func loadSpec(_ yaml: String) throws -> PipelineSpec {
    try SpecLoader.load(text: yaml, file: "test.yaml", baseDirectory: nil)
}

/// A diamond: split → (left, right) → join, reading one pipeline input.
let diamondYAML = """
    version: 1
    name: diamond
    inputs:
      data: \(testCID(1).string)
    tasks:
      - id: split
        run: [sh, -c, "split {{inputs.data.cid}}"]
        inputs: {data: {from: inputs.data}}
        outputs: [parts]
      - id: left
        run: [sh, -c, left]
        inputs: {parts: {from: split.parts}}
        outputs: [out]
      - id: right
        run: [sh, -c, right]
        inputs: {parts: {from: split.parts}}
        outputs: [out]
      - id: join
        run: [sh, -c, join]
        inputs: {a: {from: left.out}, b: {from: right.out}}
        outputs: [result]
    """

/// A store in a temporary folder, with helpers to create jobs from spec text.
struct CoordinatorFixture {
    let folder = TemporaryDirectory("orchestrator")
    let store: JobStore

    init() throws {
        store = try JobStore(home: folder.path)
    }

    /// Stores a job for `yaml` and returns its id.
    func job(_ yaml: String, options: JobOptions = JobOptions()) throws -> String {
        let spec = try loadSpec(yaml)
        var inputs: [String: CID] = [:]
        for input in spec.inputs { if case .cid(let cid) = input.source { inputs[input.name] = cid } }
        let id = JobID.generate()
        try store.createJob(
            JobRecord(id: id, name: spec.name, spec: try StoredSpec.encode(spec), inputs: inputs, options: options),
            tasks: spec.tasks.map { NewTask(id: $0.id) })
        return id
    }

    func states(_ job: String) throws -> [String: TaskState] {
        Dictionary(uniqueKeysWithValues: try store.tasks(of: job).map { ($0.id, $0.state) })
    }
}

/// A dispatcher scripted by a closure, like Bacalhau's noop executor: it records the order in
/// which steps start and finish and the largest number running at once.
final class ScriptedDispatcher: StepDispatcher {
    struct Log {
        var started: [String] = []
        var finished: [String] = []
        var running = 0
        var maxRunning = 0
        var assignments: [String: StepAssignment] = [:]
        var reattached: [String] = []
        var settled: [String] = []
        /// The task ids of each batch handed over, in order.
        var batches: [[String]] = []
    }

    /// The log, shared with handlers that watch what else is running.
    final class LogBox: Sendable {
        let mutex = Mutex(Log())
        var snapshot: Log { mutex.withLock { $0 } }
    }

    let box = LogBox()
    let handler: @Sendable (StepAssignment, LogBox) async throws -> StepOutcome
    let reattachHandler: @Sendable (StepAssignment) async throws -> StepOutcome?
    let settleHandler: @Sendable (String) async throws -> Void
    /// Sees each batch before it is taken; throwing refuses the whole batch.
    let batchHandler: @Sendable ([StepAssignment]) async throws -> Void

    init(
        handler: @escaping @Sendable (StepAssignment) async throws -> StepOutcome = { succeed($0) },
        reattach: @escaping @Sendable (StepAssignment) async throws -> StepOutcome? = { _ in nil },
        settle: @escaping @Sendable (String) async throws -> Void = { _ in },
        batch: @escaping @Sendable ([StepAssignment]) async throws -> Void = { _ in }
    ) {
        self.handler = { assignment, _ in try await handler(assignment) }
        self.reattachHandler = reattach
        self.settleHandler = settle
        self.batchHandler = batch
    }

    /// A dispatcher whose handler also sees the log (to wait for other steps).
    init(watching handler: @escaping @Sendable (StepAssignment, LogBox) async throws -> StepOutcome) {
        self.handler = handler
        self.reattachHandler = { _ in nil }
        self.settleHandler = { _ in }
        self.batchHandler = { _ in }
    }

    /// Logs the batch, lets the batch handler refuse it, then takes each step as ``dispatch(_:)-(StepAssignment)``.
    func dispatch(_ steps: [StepAssignment]) async throws -> [DispatchedStep] {
        try await batchHandler(steps)
        box.mutex.withLock { $0.batches.append(steps.map(\.taskID)) }
        return steps.map { step in DispatchedStep(step) { try await self.dispatch(step) } }
    }


    func dispatch(_ assignment: StepAssignment) async throws -> StepOutcome {
        box.mutex.withLock { log in
            log.started.append(assignment.taskID)
            log.assignments[assignment.taskID] = assignment
            log.running += 1
            log.maxRunning = max(log.maxRunning, log.running)
        }
        defer { box.mutex.withLock { $0.running -= 1; $0.finished.append(assignment.taskID) } }
        return try await handler(assignment, box)
    }

    func reattach(_ assignment: StepAssignment) async throws -> StepOutcome? {
        box.mutex.withLock { $0.reattached.append(assignment.taskID) }
        return try await reattachHandler(assignment)
    }

    func settle(job: String) async throws {
        box.mutex.withLock { $0.settled.append(job) }
        try await settleHandler(job)
    }

    var snapshot: Log { box.snapshot }
}

/// A successful outcome with one output CID per declared output (derived from the task id).
@Sendable func succeed(_ assignment: StepAssignment) -> StepOutcome {
    var outputs: [String: CID] = [:]
    for (offset, name) in assignment.outputs.enumerated() {
        outputs[name] = Block(bytes: Array("\(assignment.taskID).\(name).\(offset)".utf8), codec: .raw).cid
    }
    return StepOutcome(
        jobID: assignment.jobID, taskID: assignment.taskID, attempt: assignment.attempt, status: .succeeded,
        exitCode: 0, recipe: assignment.recipeCID, step: Block(bytes: Array("step \(assignment.taskID)".utf8), codec: .raw).cid,
        outputs: outputs, node: "did:key:z6Mktest")
}

/// A failed outcome with reason exit-code.
@Sendable func fail(_ assignment: StepAssignment) -> StepOutcome {
    StepOutcome(
        jobID: assignment.jobID, taskID: assignment.taskID, attempt: assignment.attempt, status: .failed,
        reason: StepFailure.exitCode.rawValue, message: "exited with code 3", exitCode: 3, recipe: assignment.recipeCID,
        stderrTail: "boom")
}

/// Waits until `condition` holds, yielding in between (no timing assumptions; bounded by count).
func eventually(_ condition: () -> Bool) async {
    for _ in 0..<10_000 where !condition() { await Task.yield(); try? await Task.sleep(for: .milliseconds(1)) }
}
