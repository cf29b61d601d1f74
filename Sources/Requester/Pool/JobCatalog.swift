import JobStore
import Orchestrator
import Pipeline
import Synchronization

/// The resolved specs of the jobs the pool runs, decoded once and kept: placement reads each
/// task's resources, locality, constraints and retries on every pass.
final class JobCatalog: Sendable {
    struct Entry: Sendable {
        var job: JobRecord
        var spec: PipelineSpec
    }

    let store: JobStore
    private let entries = Mutex<[String: Entry]>([:])

    init(store: JobStore) {
        self.store = store
    }

    /// The job's record (as first read) and its spec.
    func entry(_ job: String) throws -> Entry {
        if let entry = entries.withLock({ $0[job] }) { return entry }
        let record = try store.job(job)
        let entry = Entry(job: record, spec: try StoredSpec.decode(record.spec, job: job))
        entries.withLock { $0[job] = entry }
        return entry
    }

    /// The spec of one task.
    func task(job: String, id: String) throws -> TaskSpec {
        guard let task = try entry(job).spec.task(id) else {
            throw RequesterError(.notFound, "job \(job) has no task '\(id)'")
        }
        return task
    }

    /// The names of the task's inputs that read a pipeline input the spec marks `private: true`:
    /// data that never moves, whatever the nodes report about it.
    func privateInputNames(job: String, task id: String) throws -> Set<String> {
        let spec = try entry(job).spec
        guard let task = spec.task(id) else { throw RequesterError(.notFound, "job \(job) has no task '\(id)'") }
        var names: Set<String> = []
        for input in task.inputs {
            if case .pipelineInput(let source) = input.source, spec.input(named: source)?.isPrivate == true { names.insert(input.name) }
        }
        return names
    }

    /// Forgets a job that ended.
    func forget(_ job: String) {
        _ = entries.withLock { $0.removeValue(forKey: job) }
    }
}
