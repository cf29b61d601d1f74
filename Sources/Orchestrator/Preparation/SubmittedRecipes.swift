import IPLD
import Provenance

/// The recipes a job's submission built: those of the tasks that read only pipeline inputs,
/// whose CIDs are stored as the tasks' recipe keys.
///
/// ``PreparedJob/submitKeepingRecipes(to:specFile:options:id:)`` returns them so the caller can
/// hand them to the job's first drive (``JobCoordinator/run(job:spec:recipes:)``), which then
/// does not build and encode the same recipes again. Such a recipe depends only on the task, the
/// spec and the CIDs of its tool and pipeline inputs, all fixed when the job is stored; the drive
/// still checks the CIDs it would build from before it uses one. A drive that resumes a job
/// (after a restart) has none and builds every recipe.
public struct SubmittedRecipes: Sendable {
    /// A recipe and its dag-cbor block (encoded once).
    struct Built: Sendable {
        let recipe: Recipe
        let block: Block
    }

    var byTask: [String: Built] = [:]

    /// No recipes: the drive builds them all.
    public init() {}

    /// How many tasks have one.
    public var count: Int { byTask.count }

    /// The CID of task `id`'s recipe, when there is one.
    public func cid(of id: String) -> CID? { byTask[id]?.block.cid }
}
