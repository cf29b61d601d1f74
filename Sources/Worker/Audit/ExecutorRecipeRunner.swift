import BlockStore
import IPLD
import Orchestrator
import Provenance

/// The executor's side of `shoal verify --rerun`: runs a recorded recipe afresh, with the cache
/// off and nothing stored, and returns the output CIDs it gives.
///
/// A recipe does not list output names, so they are read from the step that recorded it (the
/// oldest successful step of the recipe in the index). Outputs are hashed with Shoal's default
/// import settings, or CIDv0 ones when the recorded outputs are CIDv0.
public struct ExecutorRecipeRunner: RecipeRunner {
    public let executor: StepExecutor

    public init(executor: StepExecutor) {
        self.executor = executor
    }

    public func run(_ recipe: Recipe, key: CID) async throws -> [String: CID] {
        guard let recorded = try executor.index.successfulSteps(of: key).first else {
            throw WorkerError(.notFound, "no step that ran recipe \(key) is recorded here, so its outputs are unknown")
        }
        let step: Step
        do {
            step = try Step(block: Block(trusted: recorded, bytes: try executor.repo.block(recorded)))
        } catch {
            throw WorkerError(.notFound, "the step \(recorded) that ran recipe \(key) cannot be read: \(error)")
        }
        return try await run(recipe, as: step)
    }

    /// Runs `recipe` afresh as `step` recorded it: the step names the outputs, their CID
    /// version and the parents (a pool step's, read from the requester, say).
    public func run(_ recipe: Recipe, as step: Step) async throws -> [String: CID] {
        let v0 = step.outputs.values.contains { $0.version == .v0 }
        let assignment = try StepAssignment(
            jobID: "verify", taskID: step.task, attempt: 1, recipe: recipe, outputs: step.outputs.keys.sorted(), cache: false,
            parents: step.parents, outputImport: v0 ? OutputImport(cidVersion: 0) : OutputImport())
        let outcome = await executor.run(assignment, recording: false)
        guard outcome.status == .succeeded else {
            throw WorkerError(.notFound, "the re-run \(outcome.status.rawValue): \(outcome.message ?? outcome.reason ?? "")")
        }
        return outcome.outputs
    }
}
