import Foundation
import IPLD
import PoolAPI
import Provenance
import Testing
@testable import Requester

/// What a report must bring for a success to be recorded: its signed step, on the requester.
@Suite struct ReportRecorderTests {
    @Test func aSuccessWhoseStepWasNotUploadedIsRefusedUntilItIs() async throws {
        try await TestPool.with { pool in
            let data = testBlock(130).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            let assignment = try await worker.claimOne()
            var outcome = worker.succeeded(assignment)
            let written = try worker.signedStep(of: outcome, assignment)
            outcome.step = written.step
            outcome.attestation = written.attestation

            // Named but never uploaded: 422, nothing recorded, the task still runs.
            let refused = try await worker.report(assignment, outcome)
            #expect(refused.status == 422, "\(refused.text)")
            #expect(refused.error?.error.contains("upload") == true, "\(refused.text)")
            #expect(try pool.requester.store.execution(assignment.execution)?.state != .reported)

            // The worker uploads it and reports again: recorded, with lineage.
            try await worker.upload(written)
            #expect(try await worker.report(assignment, outcome).status == 200)
            #expect(try await pool.waitForEnd(job).state == "succeeded")
            let output = try #require(outcome.outputs["out"])
            #expect(try pool.requester.store.provenanceIndex.producingStep(of: output) == written.step)
        }
    }

    @Test func aSuccessThatNamesNoStepIsABadRequest() async throws {
        try await TestPool.with { pool in
            let data = testBlock(131).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            _ = try await pool.submitJob(oneTaskSpec(input: data))
            let assignment = try await worker.claimOne()
            let answer = try await worker.report(assignment, worker.succeeded(assignment))
            #expect(answer.status == 400, "\(answer.text)")
            #expect(answer.error?.error.contains("names no step") == true, "\(answer.text)")
            // A failure needs no step: it leaves no outputs whose lineage would be missing.
            #expect(try await worker.report(assignment, worker.failed(assignment)).status == 200)
            #expect(try pool.requester.store.execution(assignment.execution)?.state == .reported)
        }
    }

    @Test func anExecutionThatTakesNoReportAnswers409EvenWithoutAStep() async throws {
        try await TestPool.with { pool in
            let data = testBlock(132).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            let assignment = try await worker.claimOne()
            try (try await pool.send("POST", PoolAPI.Path.cancel(job), token: pool.admin)).expect(200)
            // The worker must learn its lease is gone, not be sent to upload a step for nothing.
            let late = try await worker.report(assignment, worker.succeeded(assignment))
            #expect(late.status == 409, "\(late.text)")
            #expect(late.error?.error.contains("cancelled") == true, "\(late.text)")
        }
    }
}
