import Foundation
import IPLD
import JobStore
import PoolAPI
import Testing
@testable import Requester

/// Leases, re-queues, duplicate and late reports, cancellation.
@Suite struct PoolDispatcherTests {
    @Test func aLostLeaseIsQueuedAgainOnAnotherNodeAndTheStepSucceedsOnce() async throws {
        try await TestPool.with(configure: { $0.preferredWindow = .milliseconds(100); $0.lease = .seconds(3) }) { pool in
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
            // The lost node comes back and reports late: refused.
            let late = try await lost.report(first)
            #expect(late.status == 409)
            #expect(late.error?.error.contains("lease expired") == true, "\(late.text)")
            #expect(try await rescuer.report(second).status == 200)
            let end = try await pool.waitForEnd(job)
            #expect(end.state == "succeeded")
            #expect(end.tasks.first?.attempts == 2)
            #expect(end.tasks.first?.node == rescuer.node)
            let events = try await pool.events(job)
            #expect(events.filter { $0.kind == "task.requeued" }.count == 1)
            #expect(events.filter { $0.kind == "task.succeeded" }.count == 1)
            #expect(try pool.requester.store.attempts(job: job, task: "a").map(\.state) == [AttemptRecord.lostState, "succeeded"])
            #expect(try pool.requester.store.node(lost.node)?.state == .down)
        }
    }

    @Test func anAssignmentWhoseClaimAnswerWasLostIsQueuedAgainDespiteHeartbeats() async throws {
        try await TestPool.with(configure: { $0.lease = .seconds(2) }) { pool in
            let data = testBlock(67).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(slots: 2, pins: [PinReport(cid: data.string, size: 10)])
            let job = try await worker.heartbeating { try await pool.submitJob(oneTaskSpec(input: data)) }
            let first = try await worker.claimOne()
            // The claim's answer never reached the node: it heartbeats, listing nothing it runs.
            worker.forgetRunning()
            let second = try await worker.heartbeating { try await worker.claimOne(timeout: .seconds(15)) }
            #expect(second.step.attempt == 2)
            #expect(second.execution != first.execution)
            #expect(try await worker.report(second).status == 200)
            #expect(try await pool.waitForEnd(job).state == "succeeded")
        }
    }

    @Test func aStepLostMoreThanItsRetriesFailsWithReasonLost() async throws {
        try await TestPool.with(configure: { $0.defaultRetries = 1; $0.lease = .seconds(3) }) { pool in
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
            // Leaving hands the running step back without counting it as lost.
            try (try await pool.send("POST", PoolAPI.Path.leave(worker.node), token: worker.credential)).expect(200)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let third = try await worker.claimOne()
            #expect(third.step.attempt == 3)
            #expect(try await worker.report(third).status == 200)
            #expect(try await pool.waitForEnd(job).state == "succeeded")
        }
    }
}
