import IPLD
import Testing
@testable import Provenance

struct ProvenanceWriterTests {
    @Test func storesSignsAndIndexesAStep() throws {
        let fixture = ProvenanceFixture()
        let recorded = try fixture.record(task: "prep", inputs: ["corpus": fixture.data(seed: 1)], outputs: ["clean"], seed: 10)
        // Recipe, step and attestation blocks are in the store and decode.
        let step = try Step(block: Block(cid: recorded.step, verifying: fixture.store.block(recorded.step)))
        #expect(step.recipe == recorded.recipe)
        #expect(try Recipe(block: Block(cid: recorded.recipe, verifying: fixture.store.block(recorded.recipe))).run
                == ["sh", "-c", "run prep"])
        let attestation = try Attestation(block: Block(cid: recorded.attestation,
                                                       verifying: fixture.store.block(recorded.attestation)))
        #expect(attestation.step == recorded.step)
        #expect(try attestation.signerKey() == fixture.identity.didKey)
        #expect(try attestation.signatureIsValid())
        // And the index knows the facts.
        #expect(try fixture.index.producingStep(of: recorded.outputs["clean"]!) == recorded.step)
        #expect(try fixture.index.attestations(of: recorded.step) == [recorded.attestation])
        #expect(try fixture.index.successfulSteps(of: recorded.recipe) == [recorded.step])
    }

    @Test func writingTwiceChangesNothing() throws {
        let fixture = ProvenanceFixture()
        let recipe = ProvenanceFixture.recipe(task: "t", tool: nil, inputs: [:])
        let step = Step(recipe: try recipe.cid(), outputs: ["o": fixture.data(seed: 3)], stdout: fixture.text("a"),
                        stderr: fixture.text(""), exitCode: 0, node: fixture.identity.didKey.string, job: "j", task: "t",
                        started: "2025-01-01T00:00:00.000Z", finished: "2025-01-01T00:00:01.000Z")
        let first = try fixture.writer.write(recipe: recipe, step: step)
        let count = fixture.store.count
        let second = try fixture.writer.write(recipe: recipe, step: step)
        #expect(first == second)
        #expect(fixture.store.count == count)
        #expect(first.blocks.map(\.cid) == [first.recipe, first.step, first.attestation])
        #expect(try fixture.index.attestations(of: first.step) == [first.attestation])
    }

    @Test func refusesAStepThatDoesNotLinkItsRecipe() throws {
        let fixture = ProvenanceFixture()
        let recipe = ProvenanceFixture.recipe(task: "t", tool: nil, inputs: [:])
        var step = StepTests.step()
        step.node = fixture.identity.didKey.string
        let error = #expect(throws: ProvenanceError.self) { try fixture.writer.write(recipe: recipe, step: step) }
        #expect(error?.code == .invalidObject)
        #expect(fixture.store.count == 0)
    }

    @Test func refusesToSignAnotherNodesStep() throws {
        let fixture = ProvenanceFixture()
        let recipe = RecipeTests.recipe()
        var step = StepTests.step()
        step.node = ProvenanceFixture.identity(seed: 8).didKey.string
        let error = #expect(throws: ProvenanceError.self) { try fixture.writer.write(recipe: recipe, step: step) }
        #expect(error?.code == .invalidObject)
        #expect(error?.message.contains("names node") == true)
        #expect(fixture.store.count == 0)
    }

    @Test func cosigningAddsAnAttestation() throws {
        let fixture = ProvenanceFixture()
        let recorded = try fixture.record(task: "prep", inputs: [:], outputs: ["clean"], seed: 10)
        let other = ProvenanceWriter(sink: fixture.store, index: fixture.index, identity: ProvenanceFixture.identity(seed: 8))
        let cosigned = try other.cosign(step: recorded.step)
        #expect(try fixture.index.attestations(of: recorded.step) == [recorded.attestation, cosigned])
        #expect(try Attestation(block: Block(cid: cosigned, verifying: fixture.store.block(cosigned))).signatureIsValid())
    }
}
