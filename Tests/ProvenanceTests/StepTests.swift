import IPLD
import ShoalTesting
import Testing
@testable import Provenance

struct StepTests {
    static func cid(_ seed: UInt64) -> CID { Block(bytes: SplitMix64.bytes(seed: seed, count: 16), codec: .raw).cid }

    static func step() -> Step {
        Step(
            recipe: try! RecipeTests.recipe().cid(), outputs: ["clean": cid(1), "stats": cid(2)], stdout: cid(3),
            stderr: cid(4), exitCode: 0, node: ProvenanceFixture.identity(seed: 7).didKey.string, job: "job-1",
            task: "dedupe", started: "2025-01-02T03:04:05.678Z", finished: "2025-01-02T03:04:06.012Z",
            parents: [cid(5)], usage: ResourceUsage(wallMs: 334, userCpuMs: 120, systemCpuMs: 30, maxRssBytes: 9_437_184))
    }

    @Test func roundTripsThroughADagCBORBlock() throws {
        let step = Self.step()
        let block = try step.block()
        #expect(try Step(block: block) == step)
        let value = try block.decoded()
        #expect(value["type"] == "shoal.step/1")
        #expect(value["recipe"]?.link == step.recipe)
        #expect(value["outputs"]?["clean"]?.link == Self.cid(1))
        #expect(value["parents"]?.list == [.link(Self.cid(5))])
        #expect(value["usage"]?["maxRssBytes"] == .int(9_437_184))
        #expect(step.succeeded && !step.isCached)
    }

    @Test func absentOptionalFieldsAreLeftOut() throws {
        var step = Self.step()
        step.usage = nil
        let keys = try step.block().decoded().map?.keys
        #expect(keys == ["job", "node", "task", "type", "recipe", "stderr", "stdout", "outputs", "parents", "started",
                         "exitCode", "finished"].sorted())
        #expect(try Step(block: step.block()) == step)
    }

    @Test func cachedStepsLinkTheirOriginal() throws {
        var step = Self.step()
        step.cached = true
        step.original = Self.cid(9)
        step.usage = nil
        let decoded = try Step(block: step.block())
        #expect(decoded.isCached)
        #expect(decoded.original == Self.cid(9))
        #expect(try step.block().decoded()["cached"] == true)
    }

    @Test func failedStepsSayWhy() throws {
        var step = Self.step()
        step.exitCode = 0
        step.reason = "missing-output"
        step.outputs = [:]
        #expect(!step.succeeded)
        #expect(try Step(block: step.block()).reason == "missing-output")
        step.reason = nil
        step.exitCode = 137
        #expect(!step.succeeded)
    }

    @Test func aStepWithoutARequiredFieldIsRejectedByPath() throws {
        var value = try Self.step().block().decoded().map!
        value["stdout"] = nil
        let block = try Block(dagCBOR: .map(value))
        let error = #expect(throws: IPLDError.self) { try Step(block: block) }
        #expect(error?.code == .missingValue)
        #expect(error?.message.contains("stdout") == true)
        value["stdout"] = "bafy-not-a-link"
        let wrongKind = #expect(throws: IPLDError.self) { try Step(block: Block(dagCBOR: .map(value))) }
        #expect(wrongKind?.code == .typeMismatch)
    }
}
