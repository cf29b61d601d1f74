import BlockStore
import Foundation
import IPLD
import JobStore
import Pipeline
import Provenance
import ShoalTesting
import Testing
@testable import Orchestrator

struct PlanCacheTests {
    struct World {
        let folder = TemporaryDirectory("plan")
        let repo: Repo
        let store: JobStore
        let spec: PipelineSpec

        init() throws {
            try folder.mkdir("tool")
            try folder.write("tool/run.sh", text: "wc -l\n")
            try folder.write("data.txt", text: "a\nb\n")
            try folder.write("p.yaml", text: """
                version: 1
                name: plan
                inputs: {corpus: data.txt}
                tasks:
                  - {id: count, tool: tool, run: [sh, run.sh], inputs: {c: {from: inputs.corpus}}, outputs: [n]}
                  - {id: report, run: [cat], inputs: {n: {from: count.n}}, outputs: [r]}
                  - {id: fresh, run: [date], outputs: [d], cache: false}
                """)
            try folder.mkdir("home")
            repo = try Repo(home: folder.file("home"))
            store = try JobStore(home: folder.file("home"))
            spec = try SpecLoader.load(contentsOf: URL(fileURLWithPath: folder.file("p.yaml")))
        }

        func plan(noCache: Bool = false) throws -> [String: PipelinePlan.CacheStatus?] {
            var plan = try PipelinePlan(spec)
            try PlanCache.fill(&plan, spec: spec, source: repo, index: store.provenanceIndex, noCache: noCache)
            return Dictionary(uniqueKeysWithValues: plan.steps.map { ($0.id, $0.cache) })
        }
    }

    @Test func keysAreShownWhereInputsAreKnownAndNothingIsStored() throws {
        let world = try World()
        let plan = try world.plan()
        let prepared = try JobPreparation.hashOnly(world.spec)
        let recipe = try Recipe(task: prepared.spec.tasks[0], in: prepared.spec, tool: prepared.tools["count"], inputs: ["c": prepared.inputs["corpus"]!])
        #expect(plan["count"]??.recipeKey == (try recipe.cid()).string)
        #expect(plan["count"]??.hit == false)
        #expect(plan["report"]! == nil)             // reads count's output, which nothing made yet
        #expect(plan["fresh"]??.hit == false)
        #expect(try world.repo.statistics().blocks == 0)
        #expect(try world.repo.pins().isEmpty)
    }

    @Test func aRecordedStepMakesAHitAndItsOutputsFeedTheNextKey() throws {
        let world = try World()
        let prepared = try JobPreparation(repo: world.repo).prepare(world.spec)
        let recipe = try Recipe(task: prepared.spec.tasks[0], in: prepared.spec, tool: prepared.tools["count"], inputs: ["c": prepared.inputs["corpus"]!])
        let identity = try NodeIdentity(seed: [UInt8](repeating: 1, count: 32))
        let output = Block(bytes: Array("2\n".utf8), codec: .raw)
        try world.repo.write { writer in
            try writer.put(output)
            let step = Step(
                recipe: try recipe.cid(), outputs: ["n": output.cid], stdout: output.cid, stderr: output.cid, exitCode: 0,
                node: identity.didKey.string, job: "j", task: "count", started: "2025-01-01T00:00:00Z",
                finished: "2025-01-01T00:00:01Z")
            try ProvenanceWriter(sink: writer, index: world.store.provenanceIndex, identity: identity).write(recipe: recipe, step: step)
        }
        let plan = try world.plan()
        #expect(plan["count"]??.hit == true)
        let report = try #require(plan["report"] ?? nil)
        let reportRecipe = try Recipe(task: prepared.spec.tasks[1], in: prepared.spec, tool: nil, inputs: ["n": output.cid])
        #expect(report.recipeKey == (try reportRecipe.cid()).string)
        #expect(!report.hit)
        #expect(try world.plan(noCache: true)["count"]??.hit == false)
    }
}
