import Foundation
import IPLD
import Provenance

/// Everything a worker needs to run one attempt of one task: the step's recipe and the few
/// facts around it. What the coordinator hands to a ``StepDispatcher``.
///
/// The recipe is the whole description of the computation (tool, rendered command and env,
/// input CIDs, params, engine, limits), so a worker needs nothing else from the spec; its CID is
/// the memoization key. Assignments are `Codable` for the pool, where they cross HTTP as JSON:
/// the recipe travels as its exact dag-cbor block (base64), and decoding checks that the block
/// hashes to the `recipeCID` given with it.
///
/// ```swift
/// let assignment = try StepAssignment(jobID: id, taskID: "clean", attempt: 1, recipe: recipe,
///                                     outputs: ["clean"], cache: true, parents: [])
/// let outcome = try await dispatcher.dispatch(assignment)
/// ```
public struct StepAssignment: Sendable, Hashable {
    public var jobID: String
    public var taskID: String
    /// 1 for the first attempt of the task.
    public var attempt: Int
    /// What to run. Its limits map carries the resources and network policy.
    public let recipe: Recipe
    /// The recipe's CID: the memoization key.
    public let recipeCID: CID
    /// The recipe's dag-cbor block, encoded once when the assignment is made (or as it was
    /// received), so sending and storing the assignment does not encode the recipe again.
    let recipeBytes: [UInt8]
    /// The declared output names (each a folder `/outputs/<name>`).
    public var outputs: [String]
    /// Whether an earlier successful step with the same recipe may be reused.
    public var cache: Bool
    /// The steps that produced the inputs, each once, in input-name order.
    public var parents: [CID]
    /// How outputs are added as CIDs.
    public var outputImport: OutputImport

    /// An assignment for `recipe`.
    ///
    /// - Throws: ``IPLD/IPLDError`` if the recipe cannot be encoded (it always can).
    public init(
        jobID: String, taskID: String, attempt: Int, recipe: Recipe, outputs: [String], cache: Bool,
        parents: [CID] = [], outputImport: OutputImport = OutputImport()
    ) throws {
        self.init(
            jobID: jobID, taskID: taskID, attempt: attempt, recipe: recipe, block: try recipe.block(), outputs: outputs,
            cache: cache, parents: parents, outputImport: outputImport)
    }

    /// An assignment for `recipe`, whose dag-cbor block `block` was encoded already (by the job's
    /// submission, see ``SubmittedRecipes``).
    init(
        jobID: String, taskID: String, attempt: Int, recipe: Recipe, block: Block, outputs: [String], cache: Bool,
        parents: [CID], outputImport: OutputImport
    ) {
        self.jobID = jobID
        self.taskID = taskID
        self.attempt = attempt
        self.recipe = recipe
        self.recipeCID = block.cid
        self.recipeBytes = block.bytes
        self.outputs = outputs
        self.cache = cache
        self.parents = parents
        self.outputImport = outputImport
    }

    /// `JOB/TASK#ATTEMPT`, for logs.
    public var label: String { "\(jobID)/\(taskID)#\(attempt)" }
}

extension StepAssignment: Codable {
    enum CodingKeys: String, CodingKey {
        case jobID, taskID, attempt, recipeCID, recipeBlock, outputs, cache, parents, outputImport
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jobID, forKey: .jobID)
        try container.encode(taskID, forKey: .taskID)
        try container.encode(attempt, forKey: .attempt)
        try container.encode(recipeCID, forKey: .recipeCID)
        try container.encode(Data(recipeBytes).base64EncodedString(), forKey: .recipeBlock)
        try container.encode(outputs, forKey: .outputs)
        try container.encode(cache, forKey: .cache)
        try container.encode(parents, forKey: .parents)
        try container.encode(outputImport, forKey: .outputImport)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let cid = try container.decode(CID.self, forKey: .recipeCID)
        let text = try container.decode(String.self, forKey: .recipeBlock)
        guard let bytes = Data(base64Encoded: text), cid.verifies(bytes) else {
            throw DecodingError.dataCorruptedError(
                forKey: .recipeBlock, in: container, debugDescription: "the recipe block does not hash to \(cid)")
        }
        do {
            recipe = try Recipe(block: Block(trusted: cid, bytes: Array(bytes)))
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .recipeBlock, in: container, debugDescription: "\(error)")
        }
        recipeCID = cid
        recipeBytes = Array(bytes)
        jobID = try container.decode(String.self, forKey: .jobID)
        taskID = try container.decode(String.self, forKey: .taskID)
        attempt = try container.decode(Int.self, forKey: .attempt)
        outputs = try container.decode([String].self, forKey: .outputs)
        cache = try container.decode(Bool.self, forKey: .cache)
        parents = try container.decode([CID].self, forKey: .parents)
        outputImport = try container.decode(OutputImport.self, forKey: .outputImport)
    }
}
