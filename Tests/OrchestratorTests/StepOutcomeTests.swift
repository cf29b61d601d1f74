import Foundation
import IPLD
import Testing
@testable import Orchestrator

struct StepOutcomeTests {
    @Test func outcomesMapOntoTaskResults() throws {
        let assignment = try StepAssignmentTests.assignment()
        var outcome = StepOutcome(
            jobID: assignment.jobID, taskID: assignment.taskID, attempt: 2, status: .cached, exitCode: 0,
            recipe: assignment.recipeCID, step: testCID(4), outputs: ["model": testCID(5)], original: testCID(6),
            node: "did:key:z6Mkx", outputBytes: 12)
        var result = outcome.taskResult
        #expect(result.state == .cached)
        #expect(result.original == testCID(6))
        #expect(result.outputs == ["model": testCID(5)])
        #expect(result.outputBytes == 12)
        outcome.status = .failed
        #expect(outcome.taskResult.state == .failed)
        outcome.status = .cancelled
        result = outcome.taskResult
        #expect(result.state == .cancelled)
        let unrecorded = StepOutcome.unrecorded(assignment, status: .failed, reason: .launchFailed, message: "no launcher")
        #expect(unrecorded.reason == "launch-failed")
        #expect(unrecorded.step == nil)
        #expect(unrecorded.recipe == assignment.recipeCID)
    }

    @Test func outcomesRoundTripThroughJSON() throws {
        let outcome = StepOutcome(
            jobID: "j", taskID: "t", attempt: 1, status: .failed, reason: "missing-output", message: "m", exitCode: 0,
            recipe: testCID(1), step: testCID(2), attestation: testCID(3), stdout: testCID(4), stderr: testCID(5),
            node: "did:key:z6Mkx", stderrTail: "tail")
        let decoded = try JSONDecoder().decode(StepOutcome.self, from: JSONEncoder().encode(outcome))
        #expect(decoded == outcome)
    }

    @Test func failureWordsAreTheDocumentedOnes() {
        #expect(StepFailure.allCases.map(\.rawValue) == [
            "exit-code", "signaled", "timeout", "memory", "pids", "output-too-large", "cpu-time", "launch-failed",
            "missing-output", "unsafe-output", "error", "cancelled", "dependency-failed", "not-started",
        ])
    }

    @Test func whatTheStepDidIsWorthRetryingAndSkipsOrPlacementFailuresAreNot() {
        let retried = StepFailure.allCases.filter { StepFailure.isRetryable(reason: $0.rawValue) }.map(\.rawValue)
        #expect(retried == [
            "exit-code", "signaled", "timeout", "memory", "pids", "output-too-large", "cpu-time", "launch-failed",
            "missing-output", "unsafe-output", "error",
        ])
        for reason in ["lost", "queue-timeout", "no-matching-node", "too-large", "private-input-unavailable", "", nil] as [String?] {
            #expect(!StepFailure.isRetryable(reason: reason), "\(reason ?? "nil")")
        }
    }
}
