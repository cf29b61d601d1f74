import IPLD
import JobStore
import Pipeline
import Provenance

/// Turns a task of a job into the ``StepAssignment`` of its next attempt.
///
/// Input CIDs come from the job's resolved pipeline inputs and from the outputs the upstream
/// tasks recorded; the recipe is built from them with `Recipe(task:tool:inputs:)` (placeholders
/// rendered); parents are the steps that produced those inputs, upstream tasks' steps first
/// choice and, for pipeline inputs made by an earlier job, the step the provenance index knows.
///
/// A recipe the job's submission built (``SubmittedRecipes``) is used as it is when it was built
/// from the same tool and input CIDs, so it is not built and encoded again.
struct AssignmentBuilder: Sendable {
    let job: JobRecord
    let spec: PipelineSpec
    let index: any ProvenanceIndex
    var recipes = SubmittedRecipes()

    /// The assignment for attempt `attempt` of task `id`, given the current task records.
    ///
    /// - Throws: ``OrchestratorError/Code/invalidJob`` when an input has no CID (an upstream
    ///   output that was not recorded) or the recipe cannot be built (a placeholder that cannot be filled).
    func assignment(for id: String, attempt: Int, tasks: [String: TaskRecord]) throws -> StepAssignment {
        guard let task = spec.task(id) else { throw OrchestratorError(.invalidJob, "run \(job.id) has no task '\(id)'") }
        var inputs: [String: CID] = [:]
        var producers: [String: CID] = [:]
        for input in task.inputs {
            switch input.source {
            case .pipelineInput(let name):
                guard let cid = job.inputs[name] ?? spec.input(named: name).flatMap(Self.cid) else {
                    throw OrchestratorError(.invalidJob, "task '\(id)': pipeline input '\(name)' has no CID")
                }
                inputs[input.name] = cid
                if let step = try index.producingStep(of: cid) { producers[input.name] = step }
            case .taskOutput(let upstream, let output):
                guard let record = tasks[upstream], let cid = record.outputs[output] else {
                    throw OrchestratorError(.invalidJob, "task '\(id)': '\(upstream).\(output)' has no CID yet")
                }
                inputs[input.name] = cid
                if let step = record.step { producers[input.name] = step }
            }
        }
        var parents: [CID] = []
        for name in producers.keys.sorted() where !parents.contains(producers[name]!) { parents.append(producers[name]!) }
        let tool = try tool(of: task)
        let cache = task.cache && !job.options.noCache
        if let built = recipes.byTask[id], built.recipe.tool == tool, built.recipe.inputs == inputs {
            return StepAssignment(
                jobID: job.id, taskID: id, attempt: attempt, recipe: built.recipe, block: built.block, outputs: task.outputs,
                cache: cache, parents: parents, outputImport: OutputImport(spec.importSettings))
        }
        let recipe: Recipe
        do {
            recipe = try Recipe(task: task, in: spec, tool: tool, inputs: inputs)
        } catch let error as OrchestratorError {
            throw error
        } catch {
            throw OrchestratorError(.invalidJob, "task '\(id)': \(error)")
        }
        return try StepAssignment(
            jobID: job.id, taskID: id, attempt: attempt, recipe: recipe, outputs: task.outputs,
            cache: cache, parents: parents, outputImport: OutputImport(spec.importSettings))
    }

    func tool(of task: TaskSpec) throws -> CID? {
        switch task.tool {
        case nil: return nil
        case .cid(let cid)?: return cid
        case .path(let path)?:
            guard let cid = job.tools[task.id] else {
                throw OrchestratorError(.invalidJob, "task '\(task.id)': tool \(path) was never added to the store")
            }
            return cid
        }
    }

    static func cid(_ input: PipelineInput) -> CID? {
        if case .cid(let cid) = input.source { return cid }
        return nil
    }
}
