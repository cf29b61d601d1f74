import Foundation
import IPLD
import JobStore
import Orchestrator
import Provenance
import Testing
@testable import Worker

@Suite(.enabled(if: canSandbox, "the sandbox needs root"))
struct StepExecutorTests {
    @Test func aStepRunsOnItsInputsAndRecordsSignedProvenance() async throws {
        let world = try ExecutorWorld()
        let tool = try world.addFolder("tool", ["count.sh": "wc -l < /inputs/text > /outputs/out/lines\necho counted >&2\n"])
        let text = try world.addFile("text.txt", "a\nb\nc\n")
        let parent = testCID(9)
        let assignment = try world.assignment(["sh", "count.sh"], tool: tool, inputs: ["text": text], parents: [parent])
        let outcome = await world.executor.execute(assignment)
        #expect(outcome.status == .succeeded, "\(outcome)")
        #expect(outcome.exitCode == 0)
        #expect(outcome.outputs == ["out": try world.expectedCID(["lines": "3\n"])])
        let stepCID = try #require(outcome.step)
        let step = try world.step(stepCID)
        #expect(step.recipe == assignment.recipeCID)
        #expect(step.outputs == outcome.outputs)
        #expect(step.node == world.identity.didKey.string)
        #expect(step.job == "0000000001test")
        #expect(step.task == "t")
        #expect(step.parents == [parent])
        #expect(step.usage != nil)
        #expect(try world.text(step.stderr) == "counted\n")
        // Indexed, signed, and everything pinned.
        let index = world.store.provenanceIndex
        #expect(try index.producingStep(of: outcome.outputs["out"]!) == stepCID)
        #expect(try index.attestations(of: stepCID) == [outcome.attestation!])
        #expect(try index.successfulSteps(of: assignment.recipeCID) == [stepCID])
        let report = try Verifier(source: world.repo, index: index, trusted: [world.identity.didKey]).verify(outcome.outputs["out"]!)
        #expect(report.verdict == .verified, "\(report.text)")
        let pinned = Set(try world.repo.pins().map(\.cid))
        #expect(pinned.isSuperset(of: [outcome.outputs["out"]!, step.stdout, step.stderr, stepCID, assignment.recipeCID, outcome.attestation!]))
        // The attempt's log files stay for `shoal logs`; its scratch folder is gone.
        let logs = world.home + "/logs/0000000001test/t/1"
        #expect(try String(contentsOfFile: logs + "/stderr.log", encoding: .utf8) == "counted\n")
        #expect(world.scratchEntries().isEmpty)
    }

    @Test func aSecondRunOfTheSameRecipeIsACacheHit() async throws {
        let world = try ExecutorWorld()
        let first = await world.executor.execute(try world.assignment(["sh", "-c", "date +%N > /outputs/out/t"], task: "a"))
        #expect(first.status == .succeeded)
        let again = try world.assignment(["sh", "-c", "date +%N > /outputs/out/t"], task: "b", job: "0000000002test")
        let cached = await world.executor.execute(again)
        #expect(cached.status == .cached)
        #expect(cached.outputs == first.outputs)       // date would differ had it run
        #expect(cached.original == first.step)
        #expect(cached.step != first.step)
        let step = try world.step(try #require(cached.step))
        #expect(step.isCached)
        #expect(step.original == first.step)
        #expect(step.job == "0000000002test")
        // Only the step that ran is a memoization candidate; the output keeps its first producer.
        #expect(try world.store.provenanceIndex.successfulSteps(of: again.recipeCID) == [first.step!])
        #expect(try world.store.provenanceIndex.producingStep(of: first.outputs["out"]!) == first.step)
    }

    @Test func withoutTheCacheADeterministicStepRunsAgainAndGivesTheSameCIDs() async throws {
        let world = try ExecutorWorld()
        let assignment = try world.assignment(["sh", "-c", "echo same > /outputs/out/f"])
        let first = await world.executor.execute(assignment)
        var uncached = assignment
        uncached.cache = false
        let second = await world.executor.execute(uncached)
        #expect(second.status == .succeeded)
        #expect(second.outputs == first.outputs)
        #expect(second.step != first.step)
        #expect(try world.store.provenanceIndex.successfulSteps(of: assignment.recipeCID) == [first.step!, second.step!])
    }

    @Test func anEmptyDeclaredOutputIsAMissingOutput() async throws {
        let world = try ExecutorWorld()
        let outcome = await world.executor.execute(
            try world.assignment(["sh", "-c", "echo hi > /outputs/a/x"], outputs: ["a", "b"]))
        #expect(outcome.status == .failed)
        #expect(outcome.reason == "missing-output")
        #expect(outcome.message == "exited 0 but wrote nothing to /outputs/b")
        #expect(outcome.outputs.isEmpty)
        // The failed step is recorded (with no outputs) but is no memoization candidate.
        let step = try world.step(try #require(outcome.step))
        #expect(step.reason == "missing-output")
        #expect(step.outputs.isEmpty)
        #expect(try world.store.provenanceIndex.successfulSteps(of: outcome.recipe).isEmpty)
    }

    @Test func aSymlinkLeadingOutsideIsAnUnsafeOutput() async throws {
        let world = try ExecutorWorld()
        let outcome = await world.executor.execute(
            try world.assignment(["sh", "-c", "ln -s ../../../../etc/passwd /outputs/out/passwd"]))
        #expect(outcome.status == .failed)
        #expect(outcome.reason == "unsafe-output")
        #expect(outcome.message?.contains("passwd") == true)
        #expect(outcome.outputs.isEmpty)
        let absolute = await world.executor.execute(
            try world.assignment(["sh", "-c", "ln -s /etc/passwd /outputs/out/passwd"], task: "abs"))
        #expect(absolute.reason == "unsafe-output")
    }

    @Test func aFailingCommandReportsItsExitCodeAndStderrTail() async throws {
        let world = try ExecutorWorld()
        let script = "for i in $(seq 1 30); do echo line $i >&2; done; exit 3"
        let outcome = await world.executor.execute(try world.assignment(["sh", "-c", script]))
        #expect(outcome.status == .failed)
        #expect(outcome.reason == "exit-code")
        #expect(outcome.exitCode == 3)
        #expect(outcome.message == "exited with code 3")
        let tail = try #require(outcome.stderrTail)
        #expect(tail.split(separator: "\n").count == 20)
        #expect(tail.hasSuffix("line 30"))
        let step = try world.step(try #require(outcome.step))
        #expect(step.exitCode == 3)
        #expect(step.reason == nil)     // the exit code says it
    }

    @Test func limitsComeFromTheRecipe() async throws {
        let world = try ExecutorWorld()
        let outcome = await world.executor.execute(try world.assignment(
            ["sh", "-c", "sleep 30"], limits: ["timeoutMs": .int(300), "network": .string("none")]))
        #expect(outcome.status == .failed)
        #expect(outcome.reason == "timeout")
        // In words a person reads (`300ms`, or whole seconds on a loaded machine), not `0.30312 seconds`.
        let message = try #require(outcome.message)
        #expect(message.wholeMatch(of: /ran past its time limit \(stopped after [0-9]+(ms|s)\)/) != nil, "\(message)")
        let step = try world.step(try #require(outcome.step))
        #expect(step.reason == "timeout")
    }

    @Test func theStepSeesItsParamsAndEnvironment() async throws {
        let world = try ExecutorWorld()
        let outcome = await world.executor.execute(try world.assignment(
            ["sh", "-c", "cat $SHOAL_PARAMS > /outputs/out/params; echo $MODE > /outputs/out/mode"],
            params: ["rate": .float(0.5), "name": .string("x")], env: ["MODE": "fast"]))
        #expect(outcome.status == .succeeded)
        let out = try #require(outcome.outputs["out"])
        #expect(try world.text(try world.repo.unixfs.resolve("\(out)/params")) == #"{"name":"x","rate":0.5}"#)
        #expect(try world.text(try world.repo.unixfs.resolve("\(out)/mode")) == "fast\n")
    }

    @Test func aCancelledStepStopsAndRecordsNothing() async throws {
        let world = try ExecutorWorld()
        let assignment = try world.assignment(["sh", "-c", "sleep 60"])
        let executor = world.executor
        let running = Task { await executor.execute(assignment) }
        try await Task.sleep(for: .milliseconds(300))
        running.cancel()
        let outcome = await running.value
        #expect(outcome.status == .cancelled)
        #expect(outcome.step == nil)
        #expect(world.scratchEntries().isEmpty)
    }

    @Test func aMissingInputBlockIsAStagingError() async throws {
        let world = try ExecutorWorld()
        let outcome = await world.executor.execute(try world.assignment(["true"], inputs: ["x": testCID(3)]))
        #expect(outcome.status == .failed)
        #expect(outcome.reason == "error")
        #expect(outcome.message?.contains("cannot export") == true)
    }
}

/// A raw-block CID of 32 SplitMix64 bytes, for CIDs that name nothing stored.
func testCID(_ seed: UInt64) -> CID {
    Block(bytes: (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }, codec: .raw).cid
}

@Suite(.enabled(if: canSandbox, "the sandbox needs root"))
struct StepExecutorInsecureTests {
    @Test func stepsRunWithoutIsolationHaveTheirOwnRecipe() async throws {
        let world = try ExecutorWorld()
        let insecure = StepExecutor(
            repo: world.repo, index: world.store.provenanceIndex, identity: world.identity,
            configuration: StepExecutor.Configuration(isolation: .insecureNoSandbox))
        let assignment = try world.assignment(["sh", "-c", "echo x > \"$SHOAL_OUTPUTS/out/x\""])
        let plain = await insecure.execute(assignment)
        #expect(plain.status == .succeeded, "\(plain)")
        #expect(plain.recipe != assignment.recipeCID)
        let step = try world.step(try #require(plain.step))
        let recipe = try Recipe(block: Block(trusted: step.recipe, bytes: try world.repo.block(step.recipe)))
        #expect(recipe.engine == StepExecutor.insecureEngine)
        // A sandboxed run of the same task does not reuse it.
        let sandboxed = await world.executor.execute(assignment)
        #expect(sandboxed.status == .succeeded)
        #expect(sandboxed.original == nil)
        #expect(sandboxed.outputs == plain.outputs)
    }
}
