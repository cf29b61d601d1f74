import IPLD
import ShoalTesting
import Testing
@testable import Provenance

struct RecipeTests {
    static let tool = Block(bytes: SplitMix64.bytes(seed: 100, count: 32), codec: .raw).cid
    static let corpus = Block(bytes: SplitMix64.bytes(seed: 101, count: 32), codec: .raw).cid
    static let vocab = Block(bytes: SplitMix64.bytes(seed: 102, count: 32), codec: .raw).cid

    static func recipe() -> Recipe {
        Recipe(
            tool: tool, run: ["python3", "dedupe.py", "--threshold", "0.95"],
            inputs: ["corpus": corpus, "vocab": vocab], params: ["threshold": 0.95, "mode": "exact"],
            env: ["LANG": "C", "SEED": "1"], engine: "shoal-sandbox/1", limits: ["memory": 536_870_912, "network": "none"],
            outputs: ["report", "clean"],
            importSettings: ["cidVersion": 1, "rawLeaves": true, "chunkSize": 262_144, "layout": "balanced"])
    }

    @Test func roundTripsThroughADagCBORBlock() throws {
        let recipe = Self.recipe()
        let block = try recipe.block()
        #expect(block.cid.codec == .dagCBOR)
        #expect(block.cid.multihash.code == .sha2_256)
        #expect(try Recipe(block: block) == recipe)
        // Links are IPLD links, not strings; the type tag is first-class data.
        let value = try block.decoded()
        #expect(value["type"] == "shoal.recipe/1")
        #expect(value["tool"]?.link == Self.tool)
        #expect(value["inputs"]?["corpus"]?.link == Self.corpus)
        #expect(value["params"]?["threshold"] == .float(0.95))
    }

    /// The CID is the memoization key: pinned, so a change to the encoding or the field names
    /// (which would silently invalidate every cache) is caught. The expected CID was computed
    /// independently with the Python `dag-cbor` 0.3.3 encoder (the oracle venv) from the same
    /// object, with the SplitMix64 inputs regenerated in Python.
    @Test func cidIsPinned() throws {
        let cid = try Self.recipe().cid().string
        #expect(cid == "bafyreicgmeot3qnxphmtobehcmzoy5aio2ttrtaziig72phokwlqaqji2e")
    }

    @Test func sameContentGivesTheSameCIDWhateverTheOrder() throws {
        let a = Self.recipe()
        let b = Recipe(
            tool: Self.tool, run: ["python3", "dedupe.py", "--threshold", "0.95"],
            inputs: ["vocab": Self.vocab, "corpus": Self.corpus], params: IPLDMap([("mode", "exact"), ("threshold", 0.95)]),
            env: ["SEED": "1", "LANG": "C"], engine: "shoal-sandbox/1", limits: ["network": "none", "memory": 536_870_912],
            outputs: ["clean", "report"],
            importSettings: ["layout": "balanced", "chunkSize": 262_144, "rawLeaves": true, "cidVersion": 1])
        #expect(try a.cid() == b.cid())
        #expect(try a.block().bytes == b.block().bytes)
    }

    @Test func anyChangeGivesAnotherCID() throws {
        let base = Self.recipe()
        var variants: [(String, Recipe)] = []
        func variant(_ name: String, _ change: (inout Recipe) -> Void) {
            var copy = base
            change(&copy)
            variants.append((name, copy))
        }
        variant("no tool") { $0.tool = nil }
        variant("other tool") { $0.tool = Self.vocab }
        variant("argument") { $0.run[3] = "0.9" }
        variant("argument order") { $0.run.swapAt(2, 3) }
        variant("input CID") { $0.inputs["corpus"] = Self.vocab }
        variant("input name") { $0.inputs = ["text": Self.corpus, "vocab": Self.vocab] }
        variant("extra input") { $0.inputs["more"] = Self.tool }
        variant("param value") { $0.params["threshold"] = 0.9 }
        variant("param kind") { $0.params["threshold"] = "0.95" }
        variant("env") { $0.env["SEED"] = "2" }
        variant("engine") { $0.engine = "shoal-sandbox/2" }
        variant("limits") { $0.limits["memory"] = 1_073_741_824 }
        variant("outputs") { $0.outputs = ["clean"] }
        variant("import settings") { $0.importSettings["cidVersion"] = 0 }
        var seen = [try base.cid(): "base"]
        for (name, recipe) in variants {
            let cid = try recipe.cid()
            #expect(seen[cid] == nil, "\(name) collides with \(seen[cid] ?? "")")
            seen[cid] = name
        }
        #expect(seen.count == variants.count + 1)
    }

    @Test func absentToolIsLeftOutNotNull() throws {
        var recipe = Self.recipe()
        recipe.tool = nil
        let value = try recipe.block().decoded()
        #expect(value.map?["tool"] == nil)
        #expect(try Recipe(block: recipe.block()).tool == nil)
    }
}
