import Foundation
import IPLD
import ShoalTesting
@testable import Provenance

/// A small world of provenance for tests: a block store, an index, a node with a fixed key, and
/// helpers that add data and record steps through the real ``ProvenanceWriter``.
///
/// Everything is deterministic (data from SplitMix64, fixed timestamps, a fixed key, and Ed25519
/// signatures are deterministic), so CIDs can be pinned in snapshot tests.
final class ProvenanceFixture: Sendable {
    let store = MemoryBlockstore()
    let index = MemoryProvenanceIndex()
    let identity: NodeIdentity
    let writer: ProvenanceWriter

    /// A node key from a fixed seed (`seed` repeated 32 times).
    static func identity(seed: UInt8) -> NodeIdentity {
        try! NodeIdentity(seed: [UInt8](repeating: seed, count: 32))
    }

    init(identity: NodeIdentity = ProvenanceFixture.identity(seed: 7)) {
        self.identity = identity
        self.writer = ProvenanceWriter(sink: store, index: index, identity: identity)
    }

    /// Stores `count` SplitMix64 bytes from `seed` as a raw block and returns its CID.
    @discardableResult
    func data(seed: UInt64, count: Int = 64) -> CID {
        let block = Block(bytes: SplitMix64.bytes(seed: seed, count: count), codec: .raw)
        try! store.put(block)
        return block.cid
    }

    /// Stores text as a raw block (logs).
    func text(_ string: String) -> CID {
        let block = Block(bytes: Array(string.utf8), codec: .raw)
        try! store.put(block)
        return block.cid
    }

    /// A two-leaf dag-pb DAG (a root linking two raw blocks); returns the root and the leaves.
    func dagPB(seed: UInt64) -> (root: CID, leaves: [CID]) {
        let leaves = [data(seed: seed, count: 100), data(seed: seed + 1, count: 100)]
        let node = PBNode(links: leaves.map { PBLink(hash: $0, name: "", tsize: 100) }, data: [0x08, 0x02])
        let block = Block(bytes: node.encoded(), codec: .dagPB)
        try! store.put(block)
        return (block.cid, leaves)
    }

    /// A recipe with fixed engine and limits.
    static func recipe(task: String, tool: CID?, inputs: [String: CID]) -> Recipe {
        Recipe(tool: tool, run: ["sh", "-c", "run \(task)"], inputs: inputs, params: ["task": .string(task)],
               env: ["LANG": "C"], engine: Recipe.sandboxEngine, limits: ["network": "none"])
    }

    /// What one recorded step left behind.
    struct Recorded {
        var step: CID
        var recipe: CID
        var attestation: CID
        var outputs: [String: CID]
    }

    /// Runs nothing, but records a step of `task` as if it had run: its outputs are fresh raw
    /// blocks (or `outputs` when given), its parents the producers of its inputs.
    @discardableResult
    func record(
        task: String, tool: CID? = nil, inputs: [String: CID], outputs names: [String], seed: UInt64,
        outputs given: [String: CID]? = nil, cachedFrom original: CID? = nil, exitCode: Int = 0
    ) throws -> Recorded {
        let recipe = Self.recipe(task: task, tool: tool, inputs: inputs)
        var outputs: [String: CID] = [:]
        for (offset, name) in names.enumerated() { outputs[name] = data(seed: seed + UInt64(offset)) }
        if let given { outputs = given }
        var parents: [CID] = []
        for name in inputs.keys.sorted() {
            if let parent = try index.producingStep(of: inputs[name]!), !parents.contains(parent) { parents.append(parent) }
        }
        let step = Step(
            recipe: try recipe.cid(), outputs: outputs, stdout: text("\(task) out\n"), stderr: text(""),
            exitCode: exitCode, node: identity.didKey.string, job: "job-1", task: task,
            started: "2025-01-02T03:04:05.000Z", finished: "2025-01-02T03:04:06.500Z", parents: parents,
            cached: original == nil ? nil : true, original: original,
            usage: original == nil ? ResourceUsage(wallMs: 1500, userCpuMs: 10, systemCpuMs: 5, maxRssBytes: 1 << 20) : nil)
        let written = try writer.write(recipe: recipe, step: step)
        return Recorded(step: written.step, recipe: written.recipe, attestation: written.attestation, outputs: outputs)
    }

    /// The diamond used across tests:
    ///
    /// ```
    /// corpus ─► prep ─► clean ─┬─► left  ─► l ─┐
    ///                          └─► right ─► r ─┴─► join (tool) ─► model
    /// ```
    struct Diamond {
        var corpus: CID
        var tool: CID
        var prep: Recorded
        var left: Recorded
        var right: Recorded
        var join: Recorded
        var model: CID { join.outputs["model"]! }
        var clean: CID { prep.outputs["clean"]! }
    }

    func diamond() throws -> Diamond {
        let corpus = data(seed: 1)
        let tool = data(seed: 2)
        let prep = try record(task: "prep", inputs: ["corpus": corpus], outputs: ["clean"], seed: 10)
        let clean = prep.outputs["clean"]!
        let left = try record(task: "left", inputs: ["data": clean], outputs: ["l"], seed: 20)
        let right = try record(task: "right", inputs: ["data": clean], outputs: ["r"], seed: 30)
        let join = try record(task: "join", tool: tool, inputs: ["a": left.outputs["l"]!, "b": right.outputs["r"]!],
                              outputs: ["model"], seed: 40)
        return Diamond(corpus: corpus, tool: tool, prep: prep, left: left, right: right, join: join)
    }
}
