import IPLD

/// Writes the provenance of one step: the recipe, step and attestation blocks, and the index facts.
///
/// ```swift
/// let writer = ProvenanceWriter(sink: store, index: index, identity: identity)
/// let recipeKey = try recipe.cid()              // look this up in the memo first
/// let step = Step(recipe: recipeKey, outputs: ["clean": clean], …)
/// let written = try writer.write(recipe: recipe, step: step)
/// written.step                                   // the step CID, to report
/// ```
///
/// Blocks are put before the index is updated, so an index entry never points at a block this
/// writer failed to store. Writing the same recipe and step again stores identical blocks and
/// records nothing new.
public struct ProvenanceWriter: Sendable {
    public let sink: any BlockSink
    public let index: any ProvenanceIndex
    public let identity: NodeIdentity

    public init(sink: any BlockSink, index: any ProvenanceIndex, identity: NodeIdentity) {
        self.sink = sink
        self.index = index
        self.identity = identity
    }

    /// The CIDs and blocks written for one step.
    public struct Written: Sendable, Hashable {
        public var recipe: CID
        public var step: CID
        public var attestation: CID
        /// The recipe, step and attestation blocks, in that order (for pinning or upload).
        public var blocks: [Block]
    }

    /// Stores `recipe`, `step` and this node's attestation of the step, and indexes them.
    ///
    /// - Throws: ``ProvenanceError/Code/invalidObject`` when `step.recipe` is not the recipe's
    ///   CID, or `step.node` is not this node's did:key (a node signs only what it ran or
    ///   reused itself); otherwise whatever the sink or index throws.
    @discardableResult
    public func write(recipe: Recipe, step: Step) throws -> Written {
        let recipeBlock = try recipe.block()
        guard step.recipe == recipeBlock.cid else {
            throw ProvenanceError(.invalidObject,
                "step of task '\(step.task)' links recipe \(step.recipe), but its recipe is \(recipeBlock.cid)")
        }
        guard step.node == identity.didKey.string else {
            throw ProvenanceError(.invalidObject,
                "step of task '\(step.task)' names node \(step.node), but this node is \(identity.didKey)")
        }
        let stepBlock = try step.block()
        let attestationBlock = try Attestation(signing: stepBlock.cid, with: identity).block()
        let blocks = [recipeBlock, stepBlock, attestationBlock]
        for block in blocks { try sink.put(block) }
        try index.record(ProvenanceIndexEntry(step: stepBlock.cid, step, attestations: [attestationBlock.cid]))
        return Written(recipe: recipeBlock.cid, step: stepBlock.cid, attestation: attestationBlock.cid, blocks: blocks)
    }

    /// Signs a step written elsewhere (by another node) with this node's key, stores the
    /// attestation and records it: a co-signature, for example after a successful re-run.
    @discardableResult
    public func cosign(step: CID) throws -> CID {
        let block = try Attestation(signing: step, with: identity).block()
        try sink.put(block)
        try index.recordAttestation(block.cid, of: step)
        return block.cid
    }
}
