import IPLD
import Testing
@testable import Provenance

struct MemoizationTests {
    @Test func findsTheStepThatRanTheRecipe() throws {
        let fixture = ProvenanceFixture()
        let corpus = fixture.data(seed: 1)
        let ran = try fixture.record(task: "prep", inputs: ["corpus": corpus], outputs: ["clean"], seed: 10)
        let hit = try #require(try Memoization.reusableStep(for: ran.recipe, index: fixture.index, source: fixture.store))
        #expect(hit.cid == ran.step)
        #expect(hit.step.outputs == ran.outputs)
        // Another recipe has no hit.
        let other = try ProvenanceFixture.recipe(task: "other", tool: nil, inputs: [:]).cid()
        #expect(try Memoization.reusableStep(for: other, index: fixture.index, source: fixture.store) == nil)
    }

    @Test func recordingAReuseWritesACachedStepThatVerifies() throws {
        let fixture = ProvenanceFixture()
        let corpus = fixture.data(seed: 1)
        let ran = try fixture.record(task: "prep", inputs: ["corpus": corpus], outputs: ["clean"], seed: 10)
        let hit = try #require(try Memoization.reusableStep(for: ran.recipe, index: fixture.index, source: fixture.store))
        let step = Memoization.cachedStep(reusing: hit, job: "job-2", task: "prep", node: fixture.identity.didKey,
                                          at: "2025-02-01T00:00:00.000Z", parents: [])
        #expect(step.isCached && step.original == ran.step && step.usage == nil)
        let written = try fixture.writer.write(recipe: ProvenanceFixture.recipe(task: "prep", tool: nil, inputs: ["corpus": corpus]),
                                               step: step)
        // The reuse is not itself a memoization candidate, and the output keeps its real producer.
        #expect(try fixture.index.successfulSteps(of: ran.recipe) == [ran.step])
        #expect(try fixture.index.producingStep(of: ran.outputs["clean"]!) == ran.step)
        let report = try Verifier(source: fixture.store, index: fixture.index, trusted: [fixture.identity.didKey])
            .verify(written.step)
        #expect(report.verdict == .verified)
    }

    @Test func skipsCandidatesThatCannotBeTrusted() throws {
        let fixture = ProvenanceFixture()
        let corpus = fixture.data(seed: 1)
        let first = try fixture.record(task: "prep", inputs: ["corpus": corpus], outputs: ["clean"], seed: 10)
        let second = try fixture.record(task: "prep", inputs: ["corpus": corpus], outputs: ["clean"], seed: 20)
        #expect(first.recipe == second.recipe)
        // The first one's output is gone: the second is used.
        fixture.store.remove(first.outputs["clean"]!)
        #expect(try Memoization.reusableStep(for: first.recipe, index: fixture.index, source: fixture.store)?.cid == second.step)
        // The second one's step block is tampered with: nothing is reusable.
        fixture.store.corrupt(second.step, with: [0xa0])
        #expect(try Memoization.reusableStep(for: first.recipe, index: fixture.index, source: fixture.store) == nil)
    }

    @Test func aStepIndexedUnderTheWrongRecipeIsNotAHit() throws {
        let fixture = ProvenanceFixture()
        let ran = try fixture.record(task: "prep", inputs: [:], outputs: ["clean"], seed: 10)
        let other = try ProvenanceFixture.recipe(task: "other", tool: nil, inputs: [:]).cid()
        try fixture.index.record(ProvenanceIndexEntry(step: ran.step, recipe: other, outputs: [], attestations: [],
                                                      memoizable: true))
        #expect(try Memoization.reusableStep(for: other, index: fixture.index, source: fixture.store) == nil)
    }
}
