import IPLD
import Testing
@testable import Provenance

struct LineageTests {
    typealias ID = LineageGraph.NodeID

    @Test func diamondReachesTheRawInputWithEachNodeOnce() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let graph = try Lineage.walk(from: d.model, source: fixture.store, index: fixture.index)
        #expect(graph.root == ID(.data, d.model))
        #expect(graph.rawInputs == [d.tool, d.corpus])
        // Every node once: 6 data (model, tool, l, clean, corpus, r), 4 steps, 4 recipes.
        #expect(graph.nodes.count == 14)
        #expect(Set(graph.nodes.map(\.id)).count == 14)
        #expect(graph.nodes.filter { $0.kind == .step }.map(\.cid) == [d.join.step, d.left.step, d.prep.step, d.right.step])
        #expect(graph.problems.isEmpty)
        // `clean` is shared: one node, two edges into it.
        let intoClean = graph.edges.filter { $0.to == ID(.data, d.clean) }
        #expect(intoClean.map(\.from) == [ID(.recipe, d.left.recipe), ID(.recipe, d.right.recipe)])
        #expect(intoClean.map(\.label) == [.input("data"), .input("data")])
        // Edges from the join's recipe: tool first, then inputs by name.
        #expect(graph.edges(from: ID(.recipe, d.join.recipe)).map(\.label) == [.tool, .input("a"), .input("b")])
        #expect(graph.edges(from: ID(.data, d.model)).map(\.to) == [ID(.step, d.join.step)])
        #expect(graph.node(ID(.step, d.join.step))?.step?.task == "join")
        #expect(graph.node(ID(.recipe, d.prep.recipe))?.recipe?.inputs == ["corpus": d.corpus])
    }

    @Test func depthLimitsTheGenerationsFollowed() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let zero = try Lineage.walk(from: d.model, source: fixture.store, index: fixture.index, maxDepth: 0)
        #expect(zero.nodes.map(\.id) == [ID(.data, d.model)])
        #expect(zero.nodes[0].state == .unexplored)

        let one = try Lineage.walk(from: d.model, source: fixture.store, index: fixture.index, maxDepth: 1)
        #expect(one.nodes.map(\.id) == [
            ID(.data, d.model), ID(.step, d.join.step), ID(.recipe, d.join.recipe),
            ID(.data, d.tool), ID(.data, d.left.outputs["l"]!), ID(.data, d.right.outputs["r"]!),
        ])
        #expect(one.nodes.map(\.state) == [.ok, .ok, .ok, .raw, .unexplored, .unexplored])
        #expect(one.maxDepth == 1)

        let two = try Lineage.walk(from: d.model, source: fixture.store, index: fixture.index, maxDepth: 2)
        #expect(two.node(ID(.data, d.clean))?.state == .unexplored)
        #expect(!two.contains(ID(.step, d.prep.step)))
        let three = try Lineage.walk(from: d.model, source: fixture.store, index: fixture.index, maxDepth: 3)
        #expect(three == (try Lineage.walk(from: d.model, source: fixture.store, index: fixture.index)).withDepth(3))
    }

    /// `x` is reached first through `q` (two steps down) and then directly (one step down): the
    /// depth limit must judge it by the shorter path.
    @Test func depthCountsTheShortestPath() throws {
        let fixture = ProvenanceFixture()
        let corpus = fixture.data(seed: 1)
        let p = try fixture.record(task: "p", inputs: ["in": corpus], outputs: ["x"], seed: 10)
        let x = p.outputs["x"]!
        let q = try fixture.record(task: "q", inputs: ["in": x], outputs: ["y"], seed: 20)
        let j = try fixture.record(task: "j", inputs: ["a": q.outputs["y"]!, "b": x], outputs: ["m"], seed: 30)
        let graph = try Lineage.walk(from: j.outputs["m"]!, source: fixture.store, index: fixture.index, maxDepth: 2)
        #expect(graph.node(ID(.data, x))?.state == .ok)
        #expect(graph.node(ID(.step, p.step))?.state == .ok)
        #expect(graph.node(ID(.data, corpus))?.state == .raw)
        #expect(Set(graph.nodes.map(\.id)).count == graph.nodes.count)
        #expect(graph.edges.filter { $0.from == ID(.data, x) } == [.init(from: ID(.data, x), to: ID(.step, p.step), label: .producedBy)])
        // One generation less, and `x` is where it stops.
        let one = try Lineage.walk(from: j.outputs["m"]!, source: fixture.store, index: fixture.index, maxDepth: 1)
        #expect(one.node(ID(.data, x))?.state == .unexplored)
    }

    @Test func startsFromAStepARecipeOrAnAttestation() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let fromStep = try Lineage.walk(from: d.left.step, source: fixture.store, index: fixture.index)
        #expect(fromStep.root == ID(.step, d.left.step))
        #expect(fromStep.rawInputs == [d.corpus])
        #expect(fromStep.nodes.count == 6)   // left, its recipe, clean, prep, prep's recipe, corpus

        let fromAttestation = try Lineage.walk(from: d.left.attestation, source: fixture.store, index: fixture.index)
        #expect(fromAttestation.root == ID(.step, d.left.step))
        #expect(fromAttestation.nodes == fromStep.nodes)

        let fromRecipe = try Lineage.walk(from: d.join.recipe, source: fixture.store, index: fixture.index)
        #expect(fromRecipe.root == ID(.recipe, d.join.recipe))
        #expect(fromRecipe.rawInputs == [d.tool, d.corpus])

        let stepDepthZero = try Lineage.walk(from: d.left.step, source: fixture.store, index: fixture.index, maxDepth: 0)
        #expect(stepDepthZero.nodes.map(\.state) == [.unexplored])
        #expect(stepDepthZero.nodes[0].step?.task == "left")
    }

    @Test func rawDataIsItsOwnLineage() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let graph = try Lineage.walk(from: d.corpus, source: fixture.store, index: fixture.index)
        #expect(graph.nodes == [.init(id: ID(.data, d.corpus), state: .raw)])
        #expect(graph.edges.isEmpty)
        // A CID nobody stored at all is raw data too (data blocks are never fetched).
        let unknown = StepTests.cid(999)
        #expect(try Lineage.walk(from: unknown, source: fixture.store, index: fixture.index).rawInputs == [unknown])
    }

    @Test func missingAndTamperedBlocksAreMarkedNotFatal() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        fixture.store.remove(d.left.step)
        var bytes = try fixture.store.block(d.right.recipe)
        bytes[bytes.count - 1] ^= 1
        fixture.store.corrupt(d.right.recipe, with: bytes)
        let graph = try Lineage.walk(from: d.model, source: fixture.store, index: fixture.index)
        #expect(graph.node(ID(.step, d.left.step))?.state == .missing("block not found"))
        #expect(graph.node(ID(.recipe, d.right.recipe))?.state
                == .invalid("block does not hash to its CID (tampered or corrupt)"))
        // The walk went on through the other branches: right's step was read, and prep is
        // unreachable now (both paths to `clean` are broken), so corpus is not reached.
        #expect(graph.node(ID(.step, d.right.step))?.state == .ok)
        #expect(graph.problems.map(\.id) == [ID(.step, d.left.step), ID(.recipe, d.right.recipe)])
        #expect(!graph.contains(ID(.data, d.corpus)))
    }

    @Test func undecodableProvenanceIsInvalid() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        // A recipe CID that names a valid dag-cbor block that is not a recipe.
        let bogus = try Block(dagCBOR: ["type": "shoal.recipe/7"])
        try fixture.store.put(bogus)
        var step = try Step(block: Block(cid: d.prep.step, verifying: fixture.store.block(d.prep.step)))
        step.recipe = bogus.cid
        let block = try step.block()
        try fixture.store.put(block)
        let graph = try Lineage.walk(from: block.cid, source: fixture.store, index: fixture.index)
        #expect(graph.node(ID(.recipe, bogus.cid))?.state
                == .invalid("object type 'shoal.recipe/7' is not supported; this Shoal reads shoal.recipe/1"))
    }

    @Test func unindexedInputsAreFoundThroughParents() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        // An index that only knows the final output, as on a node that received the blocks alone.
        let sparse = MemoryProvenanceIndex()
        try sparse.record(ProvenanceIndexEntry(step: d.join.step, recipe: d.join.recipe, outputs: [d.model],
                                               attestations: [], memoizable: true))
        let graph = try Lineage.walk(from: d.model, source: fixture.store, index: sparse)
        #expect(graph.rawInputs == [d.tool, d.corpus])
        #expect(graph.nodes.count == 14)
    }

    @Test func cachedStepsLeadToTheirOriginal() throws {
        let fixture = ProvenanceFixture()
        let corpus = fixture.data(seed: 1)
        let original = try fixture.record(task: "prep", inputs: ["corpus": corpus], outputs: ["clean"], seed: 10)
        var cachedStep = try Step(block: Block(cid: original.step, verifying: fixture.store.block(original.step)))
        cachedStep.job = "job-2"
        cachedStep.cached = true
        cachedStep.original = original.step
        cachedStep.usage = nil
        let written = try fixture.writer.write(recipe: ProvenanceFixture.recipe(task: "prep", tool: nil, inputs: ["corpus": corpus]),
                                               step: cachedStep)
        let graph = try Lineage.walk(from: written.step, source: fixture.store, index: fixture.index)
        #expect(graph.edges(from: ID(.step, written.step)).map(\.label) == [.recipe, .original])
        #expect(graph.node(ID(.step, original.step))?.state == .ok)
        #expect(graph.nodes.filter { $0.kind == .recipe }.count == 1)
        // The output still resolves to the step that actually ran.
        #expect(try fixture.index.producingStep(of: original.outputs["clean"]!) == original.step)
    }

    @Test func aFakeCycleEndsAtTheNodeAlreadySeen() throws {
        // Hashes make cycles impossible, but a step may claim (through the index) to have
        // produced its own input: the walk must still end.
        let fixture = ProvenanceFixture()
        let input = fixture.data(seed: 5)
        let recorded = try fixture.record(task: "loop", inputs: ["x": input], outputs: ["y"], seed: 6)
        try fixture.index.record(ProvenanceIndexEntry(step: recorded.step, recipe: recorded.recipe, outputs: [input],
                                                      attestations: [], memoizable: false))
        let graph = try Lineage.walk(from: recorded.outputs["y"]!, source: fixture.store, index: fixture.index)
        #expect(graph.nodes.map(\.id) == [ID(.data, recorded.outputs["y"]!), ID(.step, recorded.step),
                                          ID(.recipe, recorded.recipe), ID(.data, input)])
        #expect(graph.edges.last == .init(from: ID(.data, input), to: ID(.step, recorded.step), label: .producedBy))
    }

    @Test func longChainsDoNotDeepenTheStack() throws {
        let fixture = ProvenanceFixture()
        var current = fixture.data(seed: 1)
        for i in 0..<300 {
            current = try fixture.record(task: "t\(i)", inputs: ["in": current], outputs: ["out"], seed: UInt64(1000 + i))
                .outputs["out"]!
        }
        let graph = try Lineage.walk(from: current, source: fixture.store, index: fixture.index)
        #expect(graph.nodes.count == 1 + 300 * 3)
        #expect(graph.rawInputs.count == 1)
        #expect(graph.stepsInRunOrder.map(\.step.task).first == "t0")
        #expect(graph.stepsInRunOrder.map(\.step.task).last == "t299")
    }
}

extension LineageGraph {
    /// The same graph as if it had been walked with `maxDepth` (for comparing full walks).
    func withDepth(_ depth: Int) -> LineageGraph {
        var copy = LineageGraph(root: root, maxDepth: depth)
        for node in nodes { copy.insert(node) }
        for edge in edges { copy.connect(edge.from, edge.to, edge.label) }
        return copy
    }
}
