import BlockStore
import IPLD
import JobStore
import Orchestrator

/// Names, for each CID a claiming node lacks, the gateways that can give it: other nodes that
/// pin it (largest pin report first), then the requester itself when its store holds it
/// (tools and inputs uploaded with `POST /api/v1/blocks`).
///
/// Private inputs get no providers: an input the job's spec marks `private: true`, and any CID
/// a node reports as private. Such data never moves; the scheduler only places their tasks on
/// nodes that hold them, and a claimant that lacks one anyway (its pin went away since) fails
/// the step for want of a provider instead of fetching it.
struct ProviderDirectory: Sendable {
    let registry: PoolRegistry
    let catalog: JobCatalog
    let repo: Repo
    /// This requester's gateway base URL.
    let selfURL: @Sendable () -> String

    /// `cid text → [gateway URL]` for the tool and inputs of `assignment` that `node` does not pin.
    func providers(for assignment: StepAssignment, claimant node: String) -> [String: [String]] {
        var cids: [CID] = Array(assignment.recipe.inputs.values)
        if let tool = assignment.recipe.tool { cids.append(tool) }
        // Nothing to fetch (a step without inputs or tool): no look at the job's spec.
        if cids.isEmpty { return [:] }
        // A spec that cannot be read names no input's provider: erring on the side of not moving data.
        let privateNames = (try? catalog.privateInputNames(job: assignment.jobID, task: assignment.taskID))
            ?? Set(assignment.recipe.inputs.keys)
        let withheld = Set(assignment.recipe.inputs.filter { privateNames.contains($0.key) }.map(\.value.v1))
        let held = registry.node(node)?.pins ?? [:]
        var result: [String: [String]] = [:]
        for cid in cids where held[cid.v1] == nil && result[cid.string] == nil {
            guard !withheld.contains(cid.v1), !registry.isPrivate(cid) else { continue }
            var urls = registry.holders(of: cid).filter { $0.record.id != node && $0.record.state == .ready }.map(\.record.url)
            if (try? repo.has(cid)) == true { urls.append(selfURL()) }
            if !urls.isEmpty { result[cid.string] = urls }
        }
        return result
    }
}
