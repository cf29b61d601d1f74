import Foundation
import IPLD
import JobStore
import Orchestrator
import Pipeline
import PoolAPI
import Scheduling

/// Turns a queued execution into the scheduler's ``Scheduling/TaskDemand``: its input CIDs
/// (from the step's recipe, with the private ones marked), resources, locality policy and
/// windows, label constraints, the nodes where it was lost or failed, and the nodes that produced
/// its upstream inputs.
///
/// The tool is not a locality input: it is small, uploaded to the requester, and a `required`
/// task must not wait for a node that happens to hold its tool. Workers fetch it like any
/// missing CID (see ``ProviderDirectory``).
struct DemandBuilder: Sendable {
    let store: JobStore
    let catalog: JobCatalog
    let registry: PoolRegistry
    let configuration: RequesterConfiguration

    /// How long a task with no `queueTimeout` may wait: for ever, in practice.
    static let unboundedQueueTimeout: Duration = .seconds(100 * 365 * 86_400)

    /// The demand of a stored `execution`, with `readySince` taken from the execution.
    func demand(for execution: ExecutionRecord) throws -> TaskDemand {
        try demand(for: execution, assignment: try Self.assignment(of: execution))
    }

    /// The demand of `execution`, whose assignment the caller holds (the dispatcher that queues
    /// it), so it is not decoded from the stored text again.
    ///
    /// A first attempt has no earlier executions (every later attempt of a task is a new
    /// execution with a higher number), so only later ones read the task's history for the nodes
    /// that lost it or where it failed (a retry runs elsewhere when it can).
    func demand(for execution: ExecutionRecord, assignment: StepAssignment) throws -> TaskDemand {
        let entry = try catalog.entry(execution.jobID)
        guard let task = entry.spec.task(execution.taskID) else {
            throw RequesterError(.internalError, "job \(execution.jobID) has no task '\(execution.taskID)'")
        }
        let privateNames = try catalog.privateInputNames(job: execution.jobID, task: execution.taskID)
        var inputs: [TaskDemand.Input] = []
        for (name, cid) in assignment.recipe.inputs.sorted(by: { $0.key < $1.key }) {
            inputs.append(TaskDemand.Input(cid: cid.v1, isPrivate: privateNames.contains(name) || registry.isPrivate(cid)))
        }
        var failedOn = Set<String>()
        if execution.attempt > 1 {
            for earlier in try store.executions(job: execution.jobID, task: execution.taskID) where earlier.id != execution.id {
                guard let node = earlier.node else { continue }
                switch PoolDispatcher.ending(of: earlier) {
                case .lost: failedOn.insert(node)
                case .reported(let outcome) where outcome.status == .failed: failedOn.insert(node)
                default: break
                }
            }
        }
        var upstream = Set<String>()
        for dependency in task.upstreamTaskIDs {
            if let node = try? store.task(job: execution.jobID, id: dependency).node { upstream.insert(node) }
        }
        return TaskDemand(
            key: TaskKey(job: execution.jobID, task: execution.taskID), inputs: inputs, resources: Self.resources(task.resources),
            locality: Self.locality(task.locality), preferredWindow: configuration.preferredWindow,
            queueTimeout: task.queueTimeout?.duration ?? Self.unboundedQueueTimeout,
            constraints: task.constraints.map(Self.constraint), failedOn: failedOn, upstreamNodes: upstream,
            readySince: execution.readySince)
    }

    static func assignment(of execution: ExecutionRecord) throws -> StepAssignment {
        do {
            return try PoolAPI.decoder.decode(StepAssignment.self, from: Data(execution.assignment.utf8))
        } catch {
            throw RequesterError(.internalError, "the stored assignment of execution \(execution.id) cannot be read: \(error)")
        }
    }

    /// A task's resources as the scheduler counts them: one slot, and what the spec asks for.
    static func resources(_ resources: Pipeline.Resources) -> Scheduling.Resources {
        Scheduling.Resources(
            slots: 1, milliCPU: resources.cpu.map { Int(($0 * 1000).rounded(.up)) } ?? 0,
            memory: resources.memory.map { UInt64(max(0, $0.bytes)) } ?? 0, disk: resources.disk.map { UInt64(max(0, $0.bytes)) } ?? 0)
    }

    static func locality(_ policy: Pipeline.LocalityPolicy) -> Scheduling.LocalityPolicy {
        switch policy {
        case .required: .required
        case .preferred: .preferred
        case .any: .any
        }
    }

    static func constraint(_ constraint: LabelConstraint) -> Constraint {
        switch constraint.op {
        case .equals(let value): Constraint(key: constraint.key, .equals(value))
        case .notEquals(let value): Constraint(key: constraint.key, .notEquals(value))
        case .exists: Constraint(key: constraint.key, .exists)
        case .notExists: Constraint(key: constraint.key, .notExists)
        }
    }
}
