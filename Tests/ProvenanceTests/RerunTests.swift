import IPLD
import Testing
@testable import Provenance

struct RerunTests {
    /// The executor side of the seam for tests: answers each recipe key from a table (what a
    /// deterministic tool would produce), or fails for keys it does not know.
    struct TableRunner: RecipeRunner {
        var outputs: [CID: [String: CID]]
        struct Unknown: Error, CustomStringConvertible { var description: String { "tool crashed" } }
        func run(_ recipe: Recipe, key: CID) async throws -> [String: CID] {
            guard try recipe.cid() == key else { throw Unknown() }
            guard let outputs = outputs[key] else { throw Unknown() }
            return outputs
        }
    }

    @Test func candidatesComeProducersFirst() throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let graph = try Lineage.walk(from: d.model, source: fixture.store, index: fixture.index)
        let candidates = Rerun.candidates(in: graph)
        #expect(candidates.map(\.step.task) == ["prep", "left", "right", "join"])
        #expect(candidates.map(\.recipeCID) == [d.prep.recipe, d.left.recipe, d.right.recipe, d.join.recipe])
        #expect(candidates.allSatisfy { (try? $0.recipe.cid()) == $0.recipeCID })
    }

    @Test func cachedFailedAndRecipelessStepsAreNotCandidates() throws {
        let fixture = ProvenanceFixture()
        let corpus = fixture.data(seed: 1)
        let original = try fixture.record(task: "prep", inputs: ["corpus": corpus], outputs: ["clean"], seed: 10)
        let cached = try fixture.record(task: "prep", inputs: ["corpus": corpus], outputs: [], seed: 0,
                                        outputs: original.outputs, cachedFrom: original.step)
        let graph = try Lineage.walk(from: cached.step, source: fixture.store, index: fixture.index)
        #expect(Rerun.candidates(in: graph).map(\.stepCID) == [original.step])

        let failed = try fixture.record(task: "bad", inputs: ["corpus": corpus], outputs: [], seed: 0, exitCode: 2)
        #expect(try Rerun.candidates(in: Lineage.walk(from: failed.step, source: fixture.store, index: fixture.index)).isEmpty)

        fixture.store.remove(original.recipe)
        #expect(try Rerun.candidates(in: Lineage.walk(from: original.step, source: fixture.store, index: fixture.index)).isEmpty)
    }

    @Test func comparesRecordedAndRerunOutputs() throws {
        let a = StepTests.cid(1), b = StepTests.cid(2), c = StepTests.cid(3)
        #expect(RerunOutcome(recorded: ["m": a, "n": b], rerun: ["n": b, "m": a]) == .reproduced)
        #expect(RerunOutcome(recorded: [:], rerun: [:]) == .reproduced)
        let differs = RerunOutcome(recorded: ["m": a, "n": b], rerun: ["m": c, "o": b])
        #expect(differs == .differs([
            OutputDifference(name: "m", expected: a, actual: c),
            OutputDifference(name: "n", expected: b, actual: nil),
            OutputDifference(name: "o", expected: nil, actual: b),
        ]))
        #expect(differs.description == "differs: m: recorded \(a), re-run gave \(c); n: recorded \(b), re-run gave nothing; o: recorded nothing, re-run gave \(b)")
        // A CIDv0 and its CIDv1 name the same DAG.
        let v0 = try CID("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n")
        #expect(RerunOutcome(recorded: ["m": v0], rerun: ["m": v0.v1]) == .reproduced)
    }

    @Test func runsEachCandidateAndReportsTheOutcome() async throws {
        let fixture = ProvenanceFixture()
        let d = try fixture.diamond()
        let graph = try Lineage.walk(from: d.model, source: fixture.store, index: fixture.index)
        var table: [CID: [String: CID]] = [
            d.prep.recipe: d.prep.outputs, d.left.recipe: d.left.outputs, d.join.recipe: ["model": StepTests.cid(50)],
        ]
        let results = await Rerun.run(Rerun.candidates(in: graph), with: TableRunner(outputs: table))
        #expect(results.map(\.task) == ["prep", "left", "right", "join"])
        #expect(results[0].outcome == .reproduced)
        #expect(results[1].outcome == .reproduced)
        #expect(results[2].outcome == .failed("tool crashed"))
        #expect(results[3].outcome == .differs([OutputDifference(name: "model", expected: d.model, actual: StepTests.cid(50))]))
        #expect(results[0].description == "prep \(d.prep.step): reproduced")
        table[d.right.recipe] = d.right.outputs
        table[d.join.recipe] = d.join.outputs
        let again = await Rerun.run(Rerun.candidates(in: graph), with: TableRunner(outputs: table))
        #expect(again.allSatisfy { $0.outcome == .reproduced })
    }
}
