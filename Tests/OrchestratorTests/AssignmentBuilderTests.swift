import Foundation
import IPLD
import JobStore
import Pipeline
import Provenance
import Testing
@testable import Orchestrator

struct AssignmentBuilderTests {
    static let yaml = """
        version: 1
        name: builder
        inputs:
          model: \(testCID(1).string)
          data: \(testCID(2).string)
        tasks:
          - id: prep
            tool: \(testCID(3).string)
            run: [python3, prep.py, "{{inputs.raw.cid}}", "--k={{params.k}}"]
            inputs: {raw: {from: inputs.data}}
            params: {k: 3}
            env: {SEED: "{{params.k}}"}
            outputs: [clean]
            resources: {memory: 64MiB, timeout: 30s}
          - id: score
            run: [score]
            inputs: {weights: {from: inputs.model}, rows: {from: prep.clean}, again: {from: prep.clean}}
            outputs: [scores]
            cache: false
        """

    func builder(index: any ProvenanceIndex = MemoryProvenanceIndex(), options: JobOptions = JobOptions()) throws -> AssignmentBuilder {
        let spec = try loadSpec(Self.yaml)
        let job = JobRecord(
            id: "0000000001abcd", name: "builder", spec: try StoredSpec.encode(spec),
            inputs: ["model": testCID(1), "data": testCID(2)], options: options)
        return AssignmentBuilder(job: job, spec: spec, index: index)
    }

    @Test func theRecipeIsTheTaskWithItsInputCIDsFilledIn() throws {
        let assignment = try builder().assignment(for: "prep", attempt: 1, tasks: [:])
        #expect(assignment.recipe.tool == testCID(3))
        #expect(assignment.recipe.run == ["python3", "prep.py", testCID(2).string, "--k=3"])
        #expect(assignment.recipe.env == ["SEED": "3"])
        #expect(assignment.recipe.inputs == ["raw": testCID(2)])
        #expect(assignment.recipe.limits["memory"] == .int(64 << 20))
        #expect(assignment.recipe.limits["timeoutMs"] == .int(30_000))
        #expect(assignment.outputs == ["clean"])
        #expect(assignment.cache)
        #expect(assignment.parents.isEmpty)
        #expect(assignment.recipeCID == (try assignment.recipe.cid()))
    }

    @Test func parentsAreTheUpstreamStepsAndThoseThatMadeThePipelineInputs() throws {
        // The model input was made by a step of an earlier job: the index knows it.
        let index = MemoryProvenanceIndex()
        try index.record(ProvenanceIndexEntry(
            step: testCID(90), recipe: testCID(91), outputs: [testCID(1)], attestations: [], memoizable: true))
        let prep = TaskRecord(jobID: "0000000001abcd", id: "prep", position: 0, state: .succeeded, step: testCID(80),
                              outputs: ["clean": testCID(81)])
        let assignment = try builder(index: index).assignment(for: "score", attempt: 2, tasks: ["prep": prep])
        #expect(assignment.recipe.inputs == ["weights": testCID(1), "rows": testCID(81), "again": testCID(81)])
        // Each parent once, in input-name order (again, rows → prep; weights → the earlier step).
        #expect(assignment.parents == [testCID(80), testCID(90)])
        #expect(assignment.attempt == 2)
        #expect(!assignment.cache)                  // cache: false in the spec
    }

    @Test func noCacheJobsNeverReuse() throws {
        #expect(try !builder(options: JobOptions(noCache: true)).assignment(for: "prep", attempt: 1, tasks: [:]).cache)
    }

    @Test func anInputWithoutACIDOrAnUnknownTaskIsAnInvalidJob() throws {
        #expect { try builder().assignment(for: "score", attempt: 1, tasks: [:]) } throws: { error in
            (error as? OrchestratorError)?.code == .invalidJob && "\(error)".contains("'prep.clean' has no CID yet")
        }
        #expect { try builder().assignment(for: "nope", attempt: 1, tasks: [:]) } throws: { error in
            (error as? OrchestratorError)?.code == .invalidJob
        }
    }

    @Test func aRecipeBuiltAtSubmissionIsUsedOnlyWhenItsCIDsMatch() throws {
        let built = try builder()
        let fresh = try built.assignment(for: "prep", attempt: 1, tasks: [:])
        // A recipe for the same tool and inputs is taken as it is (here a different command,
        // to see that it was used and not built again).
        var other = fresh.recipe
        other.run = ["other"]
        var recipes = SubmittedRecipes()
        recipes.byTask["prep"] = .init(recipe: other, block: try other.block())
        var given = built
        given.recipes = recipes
        let used = try given.assignment(for: "prep", attempt: 2, tasks: [:])
        let block = try other.block()
        #expect(used.recipe == other && used.recipeCID == block.cid && used.recipeBytes == block.bytes)
        #expect(used.attempt == 2 && used.outputs == fresh.outputs && used.cache == fresh.cache && used.parents == fresh.parents)
        // One built from other input CIDs is not.
        other.inputs = ["raw": testCID(9)]
        given.recipes.byTask["prep"] = .init(recipe: other, block: try other.block())
        #expect(try given.assignment(for: "prep", attempt: 1, tasks: [:]) == fresh)
    }

    @Test func theRecipesASubmissionKeepsGiveTheAssignmentsBuiltWithout() throws {
        let fixture = try CoordinatorFixture()
        let spec = try loadSpec(Self.yaml)
        let prepared = try JobPreparation.hashOnly(spec)
        let (job, recipes) = try prepared.submitKeepingRecipes(to: fixture.store, specFile: nil, options: JobOptions())
        #expect(recipes.count == 1)     // prep reads only a pipeline input; score reads prep's output
        let without = AssignmentBuilder(job: job, spec: prepared.spec, index: MemoryProvenanceIndex())
        var with = without
        with.recipes = recipes
        let built = try without.assignment(for: "prep", attempt: 1, tasks: [:])
        // The submission kept the very recipe the drive would build (else it would not be used),
        // and the assignment made with it is the one made without it.
        #expect(recipes.cid(of: "prep") == built.recipeCID)
        #expect(try with.assignment(for: "prep", attempt: 1, tasks: [:]) == built)
    }
}
