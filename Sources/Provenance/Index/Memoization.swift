import IPLD

/// Memoization: finding a step that already ran a recipe, and recording that it was reused.
///
/// ```swift
/// let key = try recipe.cid()
/// if let hit = try Memoization.reusableStep(for: key, index: index, source: store) {
///     let step = Memoization.cachedStep(reusing: hit, job: job, task: task.id,
///                                       node: identity.didKey, at: ProvenanceTime.now(), parents: parents)
///     try writer.write(recipe: recipe, step: step)      // cached: true, original: hit.cid
/// }
/// ```
public enum Memoization {
    /// A step that ran a recipe successfully, with the step object.
    public struct Hit: Sendable, Hashable {
        public var cid: CID
        public var step: Step
    }

    /// The oldest successful step of `recipe` whose block checks out and whose output roots are
    /// all present in `source`; `nil` when there is none (the recipe must run).
    ///
    /// A candidate whose step block is missing or does not hash to its CID, that names another
    /// recipe, that did not succeed, or whose outputs are gone is skipped, never trusted.
    /// Only output roots are checked for presence: stores pin output DAGs recursively.
    public static func reusableStep(for recipe: CID, index: any ProvenanceIndex, source: any BlockSource) throws -> Hit? {
        for candidate in try index.successfulSteps(of: recipe) {
            guard case .success(let step) = BlockFetch.object(Step.self, candidate, from: source),
                  step.recipe == recipe, step.succeeded, !step.isCached
            else { continue }
            if try step.outputs.values.allSatisfy({ try source.has($0) }) {
                return Hit(cid: candidate, step: step)
            }
        }
        return nil
    }

    /// The step recorded when a task is satisfied by `hit` instead of running.
    ///
    /// It keeps the original's recipe, outputs, logs and exit code, links the original, and
    /// says where and when the reuse happened; it has no resource usage, since nothing ran.
    public static func cachedStep(
        reusing hit: Hit, job: String, task: String, node: DIDKey, at time: String, parents: [CID]
    ) -> Step {
        Step(
            recipe: hit.step.recipe, outputs: hit.step.outputs, stdout: hit.step.stdout, stderr: hit.step.stderr,
            exitCode: hit.step.exitCode, node: node.string, job: job, task: task, started: time, finished: time,
            parents: parents, cached: true, original: hit.cid)
    }
}
