import BlockStore
import Foundation
import IPLD
import JobStore
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

    // MARK: Blocks carried by the report

    @Test func aReportCarryingItsBlocksStoresAndPinsEveryOneAndRecordsOnce() async throws {
        try await TestPool.with { pool in
            let data = testBlock(133).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            let assignment = try await worker.claimOne()
            let log = testBlock(134, count: 300)
            let (report, written) = try worker.carriedSuccess(assignment, extra: [log])

            // One request: no upload before it.
            let answer = try await worker.send(assignment, report)
            #expect(answer.status == 200, "\(answer.text)")
            #expect(try answer.decode(ReportResponse.self) == ReportResponse(recorded: true, duplicate: false))
            let repo = pool.requester.repo
            for block in written.blocks + [log] {
                #expect(try repo.block(block.cid) == block.bytes)
                #expect(try repo.pinStatus(block.cid) != .notPinned, "\(block.cid)")
            }
            #expect(try await pool.waitForEnd(job).state == "succeeded")
            let output = try #require(report.outcome.outputs["out"])
            #expect(try pool.requester.store.provenanceIndex.producingStep(of: output) == written.step)
            // The attestation is indexed with the step: it was checked from the carried block.
            #expect(try pool.requester.store.provenanceIndex.attestations(of: written.step) == [written.attestation])

            // The same report again: a duplicate, recorded once.
            let again = try await worker.send(assignment, report)
            #expect(try again.decode(ReportResponse.self) == ReportResponse(recorded: false, duplicate: true))
            #expect(try pool.requester.store.executions(job: job, task: assignment.step.taskID).map(\.state) == [.reported])
        }
    }

    @Test func aCorruptCarriedBlockIsABadRequestAndNothingIsStoredOrRecorded() async throws {
        try await TestPool.with { pool in
            let data = testBlock(135).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            _ = try await pool.submitJob(oneTaskSpec(input: data))
            let assignment = try await worker.claimOne()
            var (report, written) = try worker.carriedSuccess(assignment)
            // The attestation's bytes are swapped for others: its CID no longer matches.
            let blocks = try #require(report.blocks)
            report.blocks = blocks.map { $0.cid == written.attestation ? ReportBlock(cid: $0.cid, data: Data("forged".utf8)) : $0 }

            let answer = try await worker.send(assignment, report)
            #expect(answer.status == 400, "\(answer.text)")
            #expect(answer.error?.error.contains("does not match its CID") == true, "\(answer.text)")
            #expect(answer.error?.error.contains(written.attestation.string) == true, "\(answer.text)")
            for block in written.blocks { #expect(try !pool.requester.repo.has(block.cid), "\(block.cid)") }
            #expect(try pool.requester.store.execution(assignment.execution)?.state != .reported)
        }
    }

    @Test func aSuccessWhoseCarriedBlocksLackTheStepIsRefusedWithNothingStored() async throws {
        try await TestPool.with { pool in
            let data = testBlock(136).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            _ = try await pool.submitJob(oneTaskSpec(input: data))
            let assignment = try await worker.claimOne()
            var (report, written) = try worker.carriedSuccess(assignment)
            report.blocks = report.blocks?.filter { $0.cid != written.step }

            let answer = try await worker.send(assignment, report)
            #expect(answer.status == 422, "\(answer.text)")
            #expect(answer.error?.error.contains("step \(written.step) is not on the requester") == true, "\(answer.text)")
            #expect(try !pool.requester.repo.has(written.recipe))
            #expect(try !pool.requester.repo.has(written.attestation))
            #expect(try pool.requester.store.execution(assignment.execution)?.state != .reported)
        }
    }

    @Test func carriedBlocksOverTheLimitAre413AndNothingIsRecorded() async throws {
        try await TestPool.with { pool in
            let data = testBlock(137).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            _ = try await pool.submitJob(oneTaskSpec(input: data))
            let assignment = try await worker.claimOne()
            // A log just over the bound: the JSON body itself stays under the body limit.
            let log = testBlock(138, count: ExecutionReport.maxBlockBytes)
            let (report, written) = try worker.carriedSuccess(assignment, extra: [log])

            let answer = try await worker.send(assignment, report)
            #expect(answer.status == 413, "\(answer.text)")
            #expect(answer.error?.error.contains("upload them with POST /api/v1/blocks first") == true, "\(answer.text)")
            #expect(try !pool.requester.repo.has(written.step))
            #expect(try pool.requester.store.execution(assignment.execution)?.state != .reported)

            // The way out: upload first (the old path), then report without blocks.
            try await worker.upload(written)
            var bare = report
            bare.blocks = nil
            #expect(try await worker.send(assignment, bare).status == 200)
        }
    }

    @Test func aReportThatLosesToAnotherOutcomeLeavesItsStepAndAttestationUnpinned() async throws {
        try await TestPool.with { pool in
            let data = testBlock(140).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            _ = try await pool.submitJob(oneTaskSpec(input: data))
            let assignment = try await worker.claimOne()
            let (first, recorded) = try worker.carriedSuccess(assignment)
            #expect(try await worker.send(assignment, first).status == 200)

            // Another outcome of the same execution (another step): it passes the first check (a
            // reported execution takes a duplicate), its blocks are stored, and the store refuses it.
            var outcome = worker.succeeded(assignment, stdout: testBlock(141).cid)
            let other = try worker.signedStep(of: outcome, assignment)
            outcome.step = other.step
            outcome.attestation = other.attestation
            let answer = try await worker.send(assignment, ExecutionReport(outcome: outcome, blocks: other.blocks.map(ReportBlock.init)))
            #expect(answer.status == 409, "\(answer.text)")
            #expect(answer.error?.error.contains("another outcome was already recorded") == true, "\(answer.text)")

            let repo = pool.requester.repo
            #expect(try repo.has(other.step), "stored before the store decided")
            #expect(try repo.pinStatus(other.step) == .notPinned)
            #expect(try repo.pinStatus(other.attestation) == .notPinned)
            // The recorded report's blocks keep their pins, the recipe both carried included.
            for block in recorded.blocks { #expect(try repo.pinStatus(block.cid) != .notPinned, "\(block.cid)") }
            #expect(other.recipe == recorded.recipe)

            // A losing report that names the recorded step's attestation as its own (and carries
            // it) does not unpin it: only an attestation of the losing step goes.
            let signature = try #require(first.outcome.attestation)
            let carried = try #require(first.blocks?.first { $0.cid == signature })
            var thief = worker.succeeded(assignment, stdout: testBlock(142).cid)
            let third = try worker.signedStep(of: thief, assignment)
            thief.step = third.step
            thief.attestation = signature
            let blocks = third.blocks.filter { $0.cid != third.attestation }.map(ReportBlock.init) + [carried]
            let refused = try await worker.send(assignment, ExecutionReport(outcome: thief, blocks: blocks))
            #expect(refused.status >= 400, "\(refused.text)")
            #expect(try repo.pinStatus(signature) != .notPinned)
        }
    }

    @Test func aLateReportCarryingBlocksIs409AndStoresNothing() async throws {
        try await TestPool.with { pool in
            let data = testBlock(139).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 10)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            let assignment = try await worker.claimOne()
            try (try await pool.send("POST", PoolAPI.Path.cancel(job), token: pool.admin)).expect(200)
            let (report, written) = try worker.carriedSuccess(assignment)

            let late = try await worker.send(assignment, report)
            #expect(late.status == 409, "\(late.text)")
            #expect(try !pool.requester.repo.has(written.step))
        }
    }
}
