import BlockStore
import JobStore
import Pipeline

/// The finished tasks of a stored job whose results are no longer all in the store, with
/// everything downstream of them: what a resumed run must do again.
///
/// `shoal run` flushes blocks once, when a run settles, so a power loss mid-run can take the
/// newest outputs with it while the job store still records their tasks as finished. Resuming
/// such a run as it stands would feed missing inputs to the next steps and leave lineage with
/// holes. Each finished task is checked for its output DAGs (every block) and its step and log
/// blocks; a task that lost any is done again, and so is every task downstream of it (their
/// results were made from outputs that may not come back identical, and memoization makes the
/// re-run cheap when they do).
///
/// ```swift
/// let redo = try LostResults.tasks(of: run, store: store, repo: repo)
/// try store.resetForRetry(job: run, redo: redo)
/// ```
public enum LostResults {
    /// The ids of the tasks to do again, in dependency order (empty when nothing was lost).
    ///
    /// - Throws: ``OrchestratorError/Code/invalidJob`` for a job whose stored spec does not
    ///   load; a store error; ``BlockStore/BlockStoreError/Code/corrupt`` for a damaged block.
    public static func tasks(of job: String, store: JobStore, repo: Repo) throws -> [String] {
        let record = try store.job(job)
        let graph: TaskGraph
        do {
            graph = try TaskGraph(try StoredSpec.decode(record.spec, job: job))
        } catch let error as PipelineError {
            throw OrchestratorError(.invalidJob, "run \(job): \(error.message)")
        }
        var redo = Set<String>()
        for task in try store.tasks(of: job) where task.state == .succeeded || task.state == .cached {
            guard !redo.contains(task.id) else { continue }
            let blocks = [task.step, task.stdout, task.stderr].compactMap { $0 }
            let kept = try task.outputs.values.allSatisfy { try repo.hasComplete($0) } && blocks.allSatisfy { try repo.has($0) }
            if kept { continue }
            redo.insert(task.id)
            redo.formUnion(try graph.transitiveDependants(of: task.id))
        }
        return graph.order.filter(redo.contains)
    }
}
