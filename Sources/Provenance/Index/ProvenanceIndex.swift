import IPLD

/// The lookups that make provenance walks direct: which step made a CID, which attestations sign
/// a step, and which steps already succeeded with a recipe.
///
/// This is the seam to the job store: the SQLite implementation lives in JobStore, and
/// ``MemoryProvenanceIndex`` serves tests and one-off tools. Everything here can be rebuilt from
/// the blocks themselves (steps name their outputs, attestations their step), so the index is a
/// cache of facts, never the only copy of them.
///
/// Implementations must follow these rules, which the lineage walk and the verifier rely on:
/// - Recording is idempotent: recording the same facts twice changes nothing.
/// - An output keeps the **first** step recorded as producing it. A later step that yields the
///   same CID (a cached step, or a deterministic re-run) does not replace it.
/// - Only steps that actually ran and succeeded (``Step/succeeded`` and not ``Step/isCached``)
///   are memoization candidates for their recipe.
///
/// ## Topics
///
/// ### Reading
/// - ``producingStep(of:)``
/// - ``attestations(of:)``
/// - ``successfulSteps(of:)``
///
/// ### Writing
/// - ``record(_:)``
/// - ``recordAttestation(_:of:)``
public protocol ProvenanceIndex: Sendable {
    /// The step recorded as producing `output`, or `nil` for a CID no step produced (raw data).
    func producingStep(of output: CID) throws -> CID?

    /// The attestations recorded for `step`, in the order they were recorded.
    func attestations(of step: CID) throws -> [CID]

    /// The steps that ran `recipe` and succeeded, oldest first: the memoization candidates.
    func successfulSteps(of recipe: CID) throws -> [CID]

    /// Records one written step: its outputs, attestations and, when it is a memoization
    /// candidate, its recipe.
    func record(_ entry: ProvenanceIndexEntry) throws

    /// Records one more attestation of a step already recorded (a co-signature by another node).
    func recordAttestation(_ attestation: CID, of step: CID) throws
}

/// The index facts about one written step.
public struct ProvenanceIndexEntry: Sendable, Hashable {
    public var step: CID
    public var recipe: CID
    /// The step's output CIDs.
    public var outputs: [CID]
    /// The attestations written with the step.
    public var attestations: [CID]
    /// Whether the step is a memoization candidate for `recipe` (it ran and succeeded).
    public var memoizable: Bool

    public init(step: CID, recipe: CID, outputs: [CID], attestations: [CID], memoizable: Bool) {
        self.step = step
        self.recipe = recipe
        self.outputs = outputs
        self.attestations = attestations
        self.memoizable = memoizable
    }

    /// The entry for `step` (with CID `stepCID`) and its attestations.
    public init(step stepCID: CID, _ step: Step, attestations: [CID]) {
        self.init(
            step: stepCID, recipe: step.recipe, outputs: step.outputs.keys.sorted().compactMap { step.outputs[$0] },
            attestations: attestations, memoizable: step.succeeded && !step.isCached)
    }
}
