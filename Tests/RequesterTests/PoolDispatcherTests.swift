import Foundation
import IPLD
import JobStore
import Logging
import Orchestrator
import PoolAPI
import Provenance
import Scheduling
import ShoalTesting
import Synchronization
import Testing
@testable import Requester

/// Leases, re-queues, duplicate and late reports, cancellation.
@Suite struct PoolDispatcherTests {
    @Test func aTaskIsLoggedQueuedThenPlacedThenRunningWhenClaimedThenSucceeded() async throws {
        try await TestPool.with { pool in
            let data = testBlock(60).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(slots: 1, pins: [PinReport(cid: data.string, size: 1 << 20)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            // Placed but not claimed yet: nothing says the task runs.
            let placed = try await pool.waitForStatus(job) { $0.tasks.first?.node == worker.node }
            #expect(placed.tasks.first?.state == "ready")
            let beforeClaim = try await pool.events(job).filter { $0.task == "a" }.map(\.kind)
            #expect(beforeClaim == ["task.ready", "task.queued", "task.placed"], "\(beforeClaim)")
            let assignment = try await worker.claimOne()
            #expect(try await worker.report(assignment).status == 200)
            #expect(try await pool.waitForEnd(job).state == "succeeded")
            let events = try await pool.events(job).filter { $0.task == "a" }
            #expect(events.map(\.kind) == ["task.ready", "task.queued", "task.placed", "task.running", "task.succeeded"], "\(events)")
            #expect(events.first { $0.kind == "task.running" }?.message == "on \(worker.node)")
        }
    }

    @Test func aLostLeaseIsQueuedAgainOnAnotherNodeAndTheStepSucceedsOnce() async throws {
        try await TestPool.with(configure: { $0.preferredWindow = .milliseconds(100); $0.lease = .seconds(6) }) { pool in
            let data = testBlock(61).cid
            let lost = FakeWorker(pool: pool)
            let rescuer = FakeWorker(pool: pool)
            try await lost.join(slots: 1, pins: [PinReport(cid: data.string, size: 1 << 20)])
            // Alive until it holds the step (a loaded machine can take longer than the short lease).
            let job = try await lost.heartbeating { try await pool.submitJob(oneTaskSpec(input: data)) }
            let first = try await lost.claimOne()
            #expect(first.step.attempt == 1)
            // `lost` stops heartbeating; a second node joins and keeps heartbeating.
            try await rescuer.join(slots: 1)
            let second = try await rescuer.heartbeating { try await rescuer.claimOne() }
            #expect(second.step.attempt == 2)
            #expect(second.step.recipeCID == first.step.recipeCID)
            #expect(second.providers[data.string] == nil, "the lost node is down, so it provides nothing")
            // The retry was placed with its own demand, handed over by the dispatcher: it avoids
            // the node that lost it, as the demand built from the store does.
            let kept = try #require(try keptDemand(pool, second.execution))
            #expect(kept.failedOn == [lost.node])
            // The lost node comes back and reports late: refused. (The rescuer stays alive until it
            // reported: a loaded machine can take longer than the lease to get here.)
            let (late, rescued) = try await rescuer.heartbeating { (try await lost.report(first), try await rescuer.report(second)) }
            #expect(late.status == 409)
            #expect(late.error?.error.contains("lease expired") == true, "\(late.text)")
            #expect(rescued.status == 200, "\(rescued.text)")
            let end = try await pool.waitForEnd(job)
            #expect(end.state == "succeeded")
            #expect(end.tasks.first?.attempts == 2)
            #expect(end.tasks.first?.node == rescuer.node)
            let events = try await pool.events(job)
            #expect(events.filter { $0.kind == "task.requeued" }.count == 1)
            #expect(events.filter { $0.kind == "task.succeeded" }.count == 1)
            // Each attempt runs only once a node claims it, the second one after it was queued again.
            // (A placement the node does not claim within a lease, as on a loaded machine, is placed
            // again: repeated placements count once here.)
            let all = events.filter { $0.task == "a" && $0.kind != "task.waiting" }.map(\.kind)
            let kinds = all.indices.filter { $0 == 0 || all[$0] != "task.placed" || all[$0 - 1] != "task.placed" }.map { all[$0] }
            #expect(kinds == [
                "task.ready", "task.queued", "task.placed", "task.running", "attempt.lost", "task.queued", "task.requeued",
                "task.placed", "task.running", "task.succeeded",
            ], "\(kinds)")
            #expect(try pool.requester.store.attempts(job: job, task: "a").map(\.state) == [AttemptRecord.lostState, "succeeded"])
            #expect(try pool.requester.store.node(lost.node)?.state == .down)
        }
    }

    @Test func anAssignmentWhoseClaimAnswerWasLostIsQueuedAgainDespiteHeartbeats() async throws {
        // The lease is short so the test is, but not so short that a heartbeat delayed by a loaded
        // machine (the whole suite runs at once) marks the node down before the job is submitted:
        // 2 s did once, in CI.
        try await TestPool.with(configure: { $0.lease = .seconds(5) }) { pool in
            let data = testBlock(67).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(slots: 2, pins: [PinReport(cid: data.string, size: 10)])
            let job = try await worker.heartbeating { try await pool.submitJob(oneTaskSpec(input: data)) }
            let first = try await worker.claimOne()
            // The claim's answer never reached the node: it heartbeats, listing nothing it runs.
            worker.forgetRunning()
            // Alive until the retry's report is in: uploading its step and reporting can take a
            // loaded machine longer than the 5 s lease, which the node's heartbeats renew.
            let (second, report) = try await worker.heartbeating {
                let second = try await worker.claimOne(timeout: .seconds(30))
                return (second, try await worker.report(second))
            }
            #expect(second.step.attempt == 2)
            #expect(second.execution != first.execution)
            #expect(report.status == 200, "\(report.text)")
            #expect(try await pool.waitForEnd(job).state == "succeeded")
        }
    }

    @Test func aStepLostMoreThanItsRetriesFailsWithReasonLost() async throws {
        try await TestPool.with(configure: { $0.defaultRetries = 1; $0.lease = .seconds(6) }) { pool in
            let data = testBlock(62).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(slots: 1, pins: [PinReport(cid: data.string, size: 10)])
            let job = try await worker.heartbeating { try await pool.submitJob(oneTaskSpec(input: data)) }
            let first = try await worker.claimOne()
            try await pool.waitForStatus(job) { $0.tasks.first?.attempts == 2 }
            // Back from the dead: told to stop what it ran, then given the retry, which it loses too.
            let stop = try await worker.heartbeat()
            #expect(stop.cancel == [first.execution])
            worker.forgetRunning()
            let second = try await worker.claimOne()
            #expect(second.step.attempt == 2)
            let end = try await pool.waitForEnd(job)
            #expect(end.state == "failed")
            #expect(end.tasks.first?.reason == "lost")
            #expect(end.tasks.first?.message?.contains("lost 2 times") == true, "\(end.tasks)")
        }
    }

    @Test func aFailedStepIsRetriedOnAnotherNodeWithinItsRetries() async throws {
        try await TestPool.with { pool in
            let data = testBlock(69).cid
            let holder = FakeWorker(pool: pool)
            let other = FakeWorker(pool: pool)
            try await holder.join(slots: 1, pins: [PinReport(cid: data.string, size: 1 << 20)])
            try await other.join(slots: 1)
            let job = try await pool.submitJob(oneTaskSpec(input: data, extra: "    retries: 1"))
            let first = try await holder.claimOne()
            #expect(first.step.attempt == 1)
            #expect(try await holder.report(first, holder.failed(first)).status == 200)
            // The retry avoids the node it failed on, although that node holds the input.
            let second = try await other.claimOne()
            #expect(second.step.attempt == 2)
            #expect(second.step.recipeCID == first.step.recipeCID)
            #expect(try keptDemand(pool, second.execution)?.failedOn == [holder.node])
            #expect(try await other.report(second).status == 200)
            let end = try await pool.waitForEnd(job)
            #expect(end.state == "succeeded")
            #expect(end.tasks.first?.attempts == 2)
            #expect(end.tasks.first?.node == other.node)
            let attempts = try pool.requester.store.attempts(job: job, task: "a")
            #expect(attempts.map(\.state) == ["failed", "succeeded"])
            #expect(attempts.map(\.node) == [holder.node, other.node])
            let events = try await pool.events(job)
            let failed = try #require(events.first { $0.kind == "attempt.failed" })
            #expect(failed.message == "attempt 1 failed (exit-code: exited with code 3); running it again (retry 1 of 1)")
            #expect(!events.contains { $0.kind == "task.failed" })
        }
    }

    @Test func aReportSentTwiceIsRecordedOnce() async throws {
        try await TestPool.with { pool in
            let data = testBlock(63).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            let assignment = try await worker.claimOne()
            let outcome = try await worker.recordedSuccess(assignment)
            let first = try await worker.report(assignment, outcome)
            try first.expect(200)
            #expect(try first.decode(ReportResponse.self) == ReportResponse(recorded: true, duplicate: false))
            let again = try await worker.report(assignment, outcome)
            try again.expect(200)
            #expect(try again.decode(ReportResponse.self) == ReportResponse(recorded: false, duplicate: true))
            // Another outcome for the same execution is a conflict.
            #expect(try await worker.report(assignment, worker.failed(assignment)).status == 409)
            let end = try await pool.waitForEnd(job)
            #expect(end.state == "succeeded")
            #expect(try await pool.events(job).filter { $0.kind == "task.succeeded" }.count == 1)
            #expect(try pool.requester.store.attempts(job: job, task: "a").count == 1)
        }
    }

    @Test func aReportSentAgainFinishesWhatItsFirstRecordingLeftUndone() async throws {
        try await TestPool.with { pool in
            let data = testBlock(68).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            let assignment = try await worker.claimOne()
            let outcome = try await worker.recordedSuccess(assignment)
            // The first report was stored, but the request failed before its dispatcher was told
            // (a 500 after the store's write): the worker, told nothing, sends it again.
            let text = String(decoding: try PoolAPI.encoder.encode(outcome), as: UTF8.self)
            guard case .recorded = try pool.requester.store.reportExecution(assignment.execution, node: worker.node, outcome: text) else {
                throw TestFailure("the outcome was not stored")
            }
            let again = try await worker.report(assignment, outcome)
            try again.expect(200)
            #expect(try again.decode(ReportResponse.self) == ReportResponse(recorded: false, duplicate: true))
            #expect(try await pool.waitForEnd(job, timeout: .seconds(10)).state == "succeeded")
        }
    }

    @Test func aReportMustMatchItsExecutionAndComeFromItsNode() async throws {
        try await TestPool.with { pool in
            let data = testBlock(64).cid
            let worker = FakeWorker(pool: pool), stranger = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            try await stranger.join()
            _ = try await pool.submitJob(oneTaskSpec(input: data))
            let assignment = try await worker.claimOne()
            var wrongAttempt = worker.succeeded(assignment)
            wrongAttempt.attempt = 7
            #expect(try await worker.report(assignment, wrongAttempt).status == 400)
            let foreign = try await pool.send(
                "POST", PoolAPI.Path.report(assignment.execution), token: stranger.credential,
                json: ExecutionReport(outcome: worker.succeeded(assignment)))
            #expect(foreign.status == 403)
            #expect(try await pool.send("POST", PoolAPI.Path.report("xnosuchexecution"), token: worker.credential,
                                        json: ExecutionReport(outcome: worker.succeeded(assignment))).status == 404)
        }
    }

    @Test func cancellingAJobStopsItsRunningStep() async throws {
        try await TestPool.with { pool in
            let data = testBlock(65).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let spec = oneTaskSpec(input: data, extra: """
                  - id: b
                    run: [sh, -c, "true"]
                    inputs: {x: {from: a.out}}
                """)
            let job = try await pool.submitJob(spec)
            let assignment = try await worker.claimOne()
            let cancelled = try await pool.send("POST", PoolAPI.Path.cancel(job), token: pool.admin)
            try cancelled.expect(200)
            let status = try cancelled.decode(JobStatus.self)
            #expect(status.state == "cancelled")
            #expect(status.tasks.map(\.state) == ["cancelled", "cancelled"])
            #expect(try await worker.heartbeat().cancel == [assignment.execution])
            #expect(try await worker.report(assignment).status == 409)
            // Cancelling again changes nothing.
            #expect(try (try await pool.send("POST", PoolAPI.Path.cancel(job), token: pool.admin)).decode(JobStatus.self).state == "cancelled")
        }
    }

    @Test func aNodeThatJoinsAgainAbandonsWhatItHeldAndLeavingHandsWorkBack() async throws {
        try await TestPool.with { pool in
            let data = testBlock(66).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            let first = try await worker.claimOne()
            let rejoined = try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            #expect(rejoined.abandon == [first.execution])
            let second = try await worker.claimOne()
            #expect(second.step.attempt == 2)
            #expect(try keptDemand(pool, second.execution)?.failedOn == [worker.node])
            // Leaving hands the running step back without counting it as lost.
            try (try await pool.send("POST", PoolAPI.Path.leave(worker.node), token: worker.credential)).expect(200)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let third = try await worker.claimOne()
            #expect(third.step.attempt == 3)
            // The new execution of a step handed back has its own demand, built like the one from
            // the store: only the attempt abandoned at the rejoin counts as lost on the node.
            #expect(try keptDemand(pool, third.execution)?.failedOn == [worker.node])
            #expect(try await worker.report(third).status == 200)
            #expect(try await pool.waitForEnd(job).state == "succeeded")
        }
    }

    /// The demand placement keeps for a running execution, after checking that it is the one
    /// built from the stored execution (what a restarted requester would build).
    func keptDemand(_ pool: TestPool, _ execution: String) throws -> TaskDemand? {
        let placement = pool.requester.placement
        let kept = placement.demands.demand(execution)
        let record = try #require(try pool.requester.store.execution(execution))
        #expect(kept == (try placement.builder.demand(for: record)))
        return kept
    }

    // MARK: A wave handed over at once

    /// A dispatcher over a fresh store, without the HTTP service or placement loop: it counts
    /// how often it wakes the placement loop.
    struct Fixture {
        let folder = TemporaryDirectory("pool-dispatcher")
        let store: JobStore
        let board = ExecutionBoard()
        let wakes = WakeCounter()
        let dispatcher: PoolDispatcher

        final class WakeCounter: Sendable {
            let count = Mutex(0)
            /// Every execution handed to placement, with its assignment.
            let handed = Mutex<[(id: String, assignment: StepAssignment)]>([])
            var value: Int { count.withLock { $0 } }
        }

        init() throws {
            store = try JobStore(home: folder.path)
            var logger = Logger(label: "pool-dispatcher-test")
            logger.logLevel = .critical
            let configuration = RequesterConfiguration(home: folder.path, logger: logger)
            let wakes = wakes
            dispatcher = PoolDispatcher(
                store: store, board: board, catalog: JobCatalog(store: store), configuration: configuration,
                events: Doorbell(), queued: { executions in
                    wakes.count.withLock { $0 += 1 }
                    wakes.handed.withLock { $0 += executions.map { ($0.record.id, $0.assignment) } }
                })
        }

        /// A stored job with these tasks, each ready and with its first attempt open.
        func job(_ tasks: [String]) throws -> String {
            let id = JobID.generate()
            try store.createJob(JobRecord(id: id, name: "wave", spec: "{}"), tasks: tasks.map { NewTask(id: $0) })
            try store.markReady(job: id, tasks: tasks)
            try store.startAttempts(job: id, tasks: tasks, node: nil)
            return id
        }

        static func step(job: String, task: String) throws -> StepAssignment {
            let recipe = Recipe(tool: nil, run: ["echo", task], engine: Recipe.sandboxEngine, outputs: ["out"])
            return try StepAssignment(
                jobID: job, taskID: task, attempt: 1, recipe: recipe, outputs: ["out"], cache: true, parents: [],
                outputImport: OutputImport(cidVersion: 1, chunkSize: 1 << 18))
        }

        func queued() throws -> [ExecutionSummary] {
            try store.activeExecutions().filter { $0.state == .queued }
        }
    }

    @Test func aWaveIsQueuedTogetherWakesPlacementOnceAndEachStepIsFollowed() async throws {
        let fixture = try Fixture()
        let job = try fixture.job(["a", "b", "c"])
        let steps = try ["a", "b", "c"].map { try Fixture.step(job: job, task: $0) }
        let taken = try await fixture.dispatcher.dispatch(steps)
        #expect(taken.map(\.assignment) == steps)
        #expect(fixture.wakes.value == 1)
        let queued = try fixture.queued()
        #expect(queued.count == 3)
        for step in steps {
            let executions = try fixture.store.executions(job: job, task: step.taskID)
            #expect(executions.count == 1)
            #expect(executions.first?.attempt == 1)
            #expect(try executions.first.map(DemandBuilder.assignment(of:)) == step)
            // Placement is handed each stored execution with its own assignment.
            let handed = fixture.wakes.handed.withLock { $0 }
            #expect(handed.filter { $0.id == executions.first?.id }.map(\.assignment) == [step])
        }
        #expect(fixture.wakes.handed.withLock { $0.count } == 3)
        // Each wait follows its own execution: b's ends when b's report arrives, not another's.
        let b = try #require(try fixture.store.executions(job: job, task: "b").first)
        let waiting = Task { try await taken[1].outcome() }
        for _ in 0..<5_000 where fixture.board.waiting == 0 { try await Task.sleep(for: .milliseconds(1)) }
        #expect(fixture.board.waiting == 1)
        // Placed, claimed and reported (the store first, then the board, as the routes do).
        let outcome = StepOutcome(jobID: job, taskID: "b", attempt: 1, status: .succeeded, recipe: steps[1].recipeCID)
        #expect(try fixture.store.placeExecutions([(b.id, "n1", "placed on n1")]) == [b.id])
        #expect(try fixture.store.claimExecutions(node: "n1", limit: 4, leaseUntil: Date() + 30).map(\.id) == [b.id])
        let text = String(decoding: try PoolAPI.encoder.encode(outcome), as: UTF8.self)
        guard case .recorded = try fixture.store.reportExecution(b.id, node: "n1", outcome: text) else {
            throw TestFailure("the report was not recorded")
        }
        fixture.board.complete(b.id, .reported(outcome))
        #expect(try await waiting.value == outcome)
        // A cancelled wait cancels its execution and wakes placement (its slot is free again).
        let cancelled = Task { try await taken[2].outcome() }
        cancelled.cancel()
        #expect(try await cancelled.value.status == .cancelled)
        #expect(try fixture.store.executions(job: job, task: "c").first?.state == .cancelled)
        #expect(try fixture.queued().map(\.taskID) == ["a"])
    }

    @Test func aWaveThatCannotBeStoredQueuesNothing() async throws {
        let fixture = try Fixture()
        let job = try fixture.job(["a", "c"])
        // A step of a job the store does not know, in the middle of the wave.
        let steps = [try Fixture.step(job: job, task: "a"), try Fixture.step(job: "jnosuchjob", task: "b"), try Fixture.step(job: job, task: "c")]
        await #expect(throws: JobStoreError.self) { try await fixture.dispatcher.dispatch(steps) }
        #expect(try fixture.store.activeExecutions().isEmpty)
        #expect(fixture.wakes.value == 0)
        // A requester shutting down takes no wave at all.
        fixture.board.interrupt()
        await #expect(throws: DispatchInterrupted.self) { try await fixture.dispatcher.dispatch(Array(steps[0...0])) }
        #expect(try fixture.store.activeExecutions().isEmpty)
        #expect(fixture.wakes.value == 0)
    }
}
