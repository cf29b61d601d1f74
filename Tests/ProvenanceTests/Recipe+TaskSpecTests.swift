import Units
import IPLD
import Pipeline
import Testing
@testable import Provenance

struct RecipeTaskSpecTests {
    static func task(params: SpecMap = ["threshold": .float(0.95), "mode": .string("exact")]) -> TaskSpec {
        TaskSpec(
            id: "dedupe", tool: .cid(RecipeTests.tool),
            run: ["python3", "dedupe.py", "--threshold", "{{params.threshold}}", "--corpus", "{{inputs.corpus.cid}}"],
            inputs: [TaskInput(name: "corpus", source: .pipelineInput("corpus"))], params: params, outputs: ["clean"],
            resources: Resources(cpu: 0.5, memory: ByteSize(bytes: 512 << 20), timeout: DurationSpec(milliseconds: 600_000)),
            network: .loopback, locality: .required, env: ["MODE": "{{params.mode}}"], retries: 3)
    }

    @Test func rendersTheCommandAndRecordsLimits() throws {
        let recipe = try Recipe(task: Self.task(), tool: RecipeTests.tool, inputs: ["corpus": RecipeTests.corpus])
        #expect(recipe.run == ["python3", "dedupe.py", "--threshold", "0.95", "--corpus", RecipeTests.corpus.string])
        #expect(recipe.env == ["MODE": "exact"])
        #expect(recipe.params == ["mode": "exact", "threshold": 0.95])
        #expect(recipe.engine == "shoal-sandbox/1")
        #expect(recipe.limits == ["cpu": 0.5, "memory": .int(512 << 20), "timeoutMs": 600_000, "network": "loopback"])
        #expect(recipe.inputs == ["corpus": RecipeTests.corpus])
    }

    @Test func parameterOrderInTheSpecDoesNotChangeTheKey() throws {
        let a = try Recipe(task: Self.task(), tool: RecipeTests.tool, inputs: ["corpus": RecipeTests.corpus])
        let b = try Recipe(task: Self.task(params: ["mode": .string("exact"), "threshold": .float(0.95)]),
                           tool: RecipeTests.tool, inputs: ["corpus": RecipeTests.corpus])
        #expect(try a.cid() == b.cid())
    }

    @Test func placementSettingsDoNotChangeTheKey() throws {
        var task = Self.task()
        let a = try Recipe(task: task, tool: RecipeTests.tool, inputs: ["corpus": RecipeTests.corpus])
        task.locality = .any
        task.retries = 0
        task.cache = false
        task.constraints = [LabelConstraint(parsing: "gpu exists")!]
        task.id = "renamed"
        let b = try Recipe(task: task, tool: RecipeTests.tool, inputs: ["corpus": RecipeTests.corpus])
        #expect(try a.cid() == b.cid())
        task.network = .none
        #expect(try Recipe(task: task, tool: RecipeTests.tool, inputs: ["corpus": RecipeTests.corpus]).cid() != a.cid())
    }

    @Test func inputsMustMatchTheTask() throws {
        let missing = #expect(throws: ProvenanceError.self) {
            try Recipe(task: Self.task(), tool: nil, inputs: [:])
        }
        #expect(missing?.description == "invalid object: task 'dedupe': input 'corpus' has no CID yet")
        let extra = #expect(throws: ProvenanceError.self) {
            try Recipe(task: Self.task(), tool: nil, inputs: ["corpus": RecipeTests.corpus, "other": RecipeTests.vocab])
        }
        #expect(extra?.description == "invalid object: task 'dedupe' has no input named 'other'")
    }
}
