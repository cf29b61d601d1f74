import IPLD
import Pipeline
import Provenance

/// Fills in what `shoal plan` shows about memoization: each task's recipe key, where its inputs
/// can be known without running anything, and whether a run would reuse an earlier step.
///
/// Local paths are hashed with the spec's import settings (nothing is stored); pipeline inputs
/// given as CIDs are taken as they are. A task reading another task's output gets a recipe key
/// only when that task would be a cache hit, since only then are its outputs known: they are the
/// outputs of the step that would be reused. Tasks whose inputs cannot be known keep no cache
/// status: no value is made up.
///
/// ```swift
/// var plan = try PipelinePlan(spec)
/// try PlanCache.fill(&plan, spec: spec, source: repo, index: store.provenanceIndex)
/// print(plan.text)          // "    recipe  bafyrei…  (cached)"
/// ```
public enum PlanCache {
    /// Sets ``Pipeline/PipelinePlan/Step/cache`` of every step whose recipe can be computed.
    ///
    /// - Parameters:
    ///   - source: Where earlier steps' outputs are looked for (the local store).
    ///   - noCache: `--no-cache`: keys are still shown, but nothing counts as a hit.
    public static func fill(
        _ plan: inout PipelinePlan, spec: PipelineSpec, source: any BlockSource, index: any ProvenanceIndex,
        noCache: Bool = false
    ) throws {
        let prepared = try JobPreparation.hashOnly(spec)
        var knownOutputs: [String: [String: CID]] = [:]
        for position in plan.steps.indices {
            let id = plan.steps[position].id
            guard let task = prepared.spec.task(id) else { continue }
            var inputs: [String: CID] = [:]
            for input in task.inputs {
                switch input.source {
                case .pipelineInput(let name): inputs[input.name] = prepared.inputs[name]
                case .taskOutput(let upstream, let output): inputs[input.name] = knownOutputs[upstream]?[output]
                }
            }
            guard inputs.count == task.inputs.count else { continue }
            let recipe = try Recipe(task: task, in: prepared.spec, tool: prepared.tools[id], inputs: inputs)
            let key = try recipe.cid()
            let hit = task.cache && !noCache ? try Memoization.reusableStep(for: key, index: index, source: source) : nil
            if let hit { knownOutputs[id] = hit.step.outputs }
            plan.steps[position].cache = PipelinePlan.CacheStatus(recipeKey: key, hit: hit != nil)
        }
    }
}
