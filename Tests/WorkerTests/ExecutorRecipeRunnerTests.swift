import Foundation
import IPLD
import Provenance
import Testing
@testable import Worker

@Suite(.enabled(if: canSandbox, "the sandbox needs root"))
struct ExecutorRecipeRunnerTests {
    @Test func aDeterministicRecipeReproducesAndANondeterministicOneDiffers() async throws {
        let world = try ExecutorWorld()
        let runner = ExecutorRecipeRunner(executor: world.executor)
        let steady = try world.assignment(["sh", "-c", "echo steady > /outputs/out/f"], task: "steady")
        let first = await world.executor.execute(steady)
        let rerun = try await runner.run(steady.recipe, key: steady.recipeCID)
        #expect(RerunOutcome(recorded: first.outputs, rerun: rerun) == .reproduced)

        let clock = try world.assignment(["sh", "-c", "date +%N > /outputs/out/t"], task: "clock")
        let recorded = await world.executor.execute(clock)
        let again = try await runner.run(clock.recipe, key: clock.recipeCID)
        guard case .differs(let differences) = RerunOutcome(recorded: recorded.outputs, rerun: again) else {
            Issue.record("a clock should not reproduce")
            return
        }
        #expect(differences.map(\.name) == ["out"])
        // Nothing of the re-runs was stored or indexed.
        #expect(try world.store.provenanceIndex.successfulSteps(of: clock.recipeCID) == [recorded.step!])
        #expect(try !world.repo.has(again["out"]!))
    }

    @Test func aRecipeNobodyRanCannotBeRerun() async throws {
        let world = try ExecutorWorld()
        let assignment = try world.assignment(["true"])
        await #expect(throws: WorkerError.self) {
            try await ExecutorRecipeRunner(executor: world.executor).run(assignment.recipe, key: assignment.recipeCID)
        }
    }

    @Test func aFailingRerunIsAnError() async throws {
        let world = try ExecutorWorld()
        // Recorded as a success, but its input is gone by the time of the re-run.
        let input = try world.addFile("in.txt", "x")
        let assignment = try world.assignment(["sh", "-c", "wc -c < /inputs/x > /outputs/out/n"], inputs: ["x": input])
        #expect(await world.executor.execute(assignment).status == .succeeded)
        try FileManager.default.removeItem(atPath: world.home + "/cache/exports")
        try world.repo.unpin(input)
        _ = try world.repo.collectGarbage()
        await #expect { try await ExecutorRecipeRunner(executor: world.executor).run(assignment.recipe, key: assignment.recipeCID) }
            throws: { "\($0)".contains("re-run failed") || "\($0)".contains("cannot export") }
    }
}
