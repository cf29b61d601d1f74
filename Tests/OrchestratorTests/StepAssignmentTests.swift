import Foundation
import IPLD
import Provenance
import Testing
@testable import Orchestrator

struct StepAssignmentTests {
    static func assignment() throws -> StepAssignment {
        let recipe = Recipe(
            tool: testCID(1), run: ["python3", "train.py", "--rate", "1.0"], inputs: ["data": testCID(2)],
            params: ["rate": .float(1.0), "epochs": .int(5), "tags": .list([.string("a")])], env: ["MODE": "fast"],
            engine: Recipe.sandboxEngine, limits: ["memory": .int(1 << 20), "network": .string("none")])
        return try StepAssignment(
            jobID: "0000000001abcd", taskID: "train", attempt: 2, recipe: recipe, outputs: ["model", "metrics"], cache: true,
            parents: [testCID(3)], outputImport: OutputImport(cidVersion: 0, chunkSize: 1024))
    }

    @Test func itRoundTripsThroughJSONWithTheExactRecipe() throws {
        let original = try Self.assignment()
        let data = try JSONEncoder().encode(original)
        let decoded = try JSONDecoder().decode(StepAssignment.self, from: data)
        #expect(decoded == original)
        #expect(try decoded.recipe.cid() == original.recipeCID)
        // The float parameter stays a float (a JSON rendering of the recipe could turn 1.0 into 1).
        #expect(decoded.recipe.params["rate"] == .float(1.0))
        #expect(decoded.label == "0000000001abcd/train#2")
    }

    @Test func aRecipeBlockThatDoesNotMatchItsCIDIsRefused() throws {
        let data = try JSONEncoder().encode(try Self.assignment())
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["recipeCID"] = testCID(9).string
        let forged = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(StepAssignment.self, from: forged) }
        object["recipeCID"] = try Self.assignment().recipeCID.string
        object["recipeBlock"] = "bm90IGEgcmVjaXBl"
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(StepAssignment.self, from: try JSONSerialization.data(withJSONObject: object))
        }
    }
}

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
}

struct OutputImportTests {
    @Test func defaultsAreCIDv1RawLeavesAnd256KiB() throws {
        let profile = try OutputImport().profile()
        #expect(profile == .shoalDefault)
        #expect(profile.chunker.maxChunkSize == 256 * 1024)
    }

    @Test func specSettingsMapOntoTheProfile() throws {
        let profile = try OutputImport(cidVersion: 0, rawLeaves: nil, chunkSize: 4096, layout: "trickle").profile()
        #expect(profile.cidVersion == .v0)
        #expect(!profile.rawLeaves)
        #expect(profile.chunker.maxChunkSize == 4096)
        #expect(profile.layout == .trickle)
        #expect(throws: (any Error).self) { try OutputImport(cidVersion: 7).profile() }
    }
}
