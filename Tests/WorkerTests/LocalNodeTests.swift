import BlockStore
import Foundation
import IPLD
import JobStore
import Pipeline
import Provenance
import Testing
@testable import Worker

@Suite(.enabled(if: canSandbox, "the sandbox needs root"))
struct LocalNodeTests {
    @Test func logsComeFromTheAttemptOrFromTheRecordedStep() async throws {
        let spec = PipelineWorld.diamond.replacingOccurrences(
            of: "run: [sh, split.sh]", with: "run: [sh, -c, \"echo splitting >&2; sh split.sh; echo done\"]")
        let world = try PipelineWorld(spec: spec)
        let first = try await world.run()
        let node = try LocalNode(home: world.home)
        let source = try node.logs(run: first.run, task: "words", stream: .stderr)
        #expect(source == .file(world.home + "/logs/\(first.run)/words/1/stderr.log"))
        // A cached task's logs are its original's, read from the store.
        let second = try await world.run()
        let cached = try node.logs(run: second.run, task: "words", stream: .stdout)
        guard case .cid(let cid) = cached else { Issue.record("expected a CID, got \(cached)"); return }
        #expect(try node.repo.unixfs.bytes(cid) == Array("done\n".utf8))
        #expect { try node.logs(run: first.run, task: "nope", stream: .stdout) } throws: { error in
            (error as? WorkerError)?.code == .notFound && "\(error)".contains("words, upper, count, report")
        }
        #expect { try node.logs(run: "zzzz", task: "words", stream: .stdout) } throws: { $0 is JobStoreError }
    }

    @Test func runsAreListedNewestFirst() async throws {
        let world = try PipelineWorld()
        let first = try await world.run()
        let second = try await world.run()
        let runs = try LocalNode(home: world.home).runs()
        #expect(runs.map(\.run) == [second.run, first.run])
        #expect(runs[0].counts == ["cached": 4])
        #expect(runs[1].state == "succeeded")
    }

    @Test func theFinalOutputVerifiesAndReproduces() async throws {
        let world = try PipelineWorld()
        let report = try await world.run()
        let node = try LocalNode(home: world.home)
        let output = try CID(try #require(world.task(report, "report")?.outputs["r"]))
        let graph = try node.lineage(of: output)
        let input = try JobStore(home: world.home).job(report.run).inputs["text"]!
        #expect(graph.rawInputs.contains(input))
        let audit = try await node.verify(output, rerun: true)
        #expect(audit.report.verdict == .verified, "\(audit.report.text)")
        #expect(audit.reruns.count == 4)
        #expect(audit.reruns.allSatisfy { $0.outcome == .reproduced })
        #expect(audit.passed)
        // verify --rerun stores nothing new.
        #expect(try node.store.provenanceIndex.successfulSteps(of: try CID(world.task(report, "report")!.recipe!)).count == 1)
        let exported = try node.export(output, format: .inToto)
        #expect(exported.contains("\"payloadType\""))
    }

    @Test func aTamperedStepFailsVerification() async throws {
        let world = try PipelineWorld()
        let report = try await world.run()
        let node = try LocalNode(home: world.home)
        let step = try CID(try #require(world.task(report, "count")?.step))
        let path = node.repo.blocks.filePath(for: step.multihash)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let output = try CID(try #require(world.task(report, "report")?.outputs["r"]))
        let audit = try await node.verify(output)
        #expect(audit.report.verdict == .failed)
        #expect(!audit.passed)
    }

    @Test func thePlanShowsRecipeKeysAndCacheHits() async throws {
        let world = try PipelineWorld()
        let spec = try SpecLoader.load(contentsOf: URL(fileURLWithPath: world.specPath))
        let before = try LocalNode(home: world.home).plan(spec)
        #expect(before.steps.first { $0.id == "words" }?.cache?.hit == false)
        #expect(before.steps.first { $0.id == "report" }?.cache == nil)
        let report = try await world.run()
        let after = try LocalNode(home: world.home).plan(spec)
        for step in after.steps {
            #expect(step.cache?.hit == true, "\(step.id)")
            #expect(step.cache?.recipeKey == world.task(report, step.id)?.recipe)
        }
    }
}
