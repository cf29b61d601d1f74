import BlockStore
import Foundation
import Gateway
import Hummingbird
import IPLD
import PoolAPI
import Provenance
import ShoalTesting
import Testing

@testable import PoolClient

/// Remote verification against a requester that answers from a real repository and index, and
/// requesters that lie.
@Suite struct RemoteAuditTests {
    /// Two steps (prep → train) written by a worker identity into a repository the fake requester serves.
    struct World {
        let folder = TemporaryDirectory("audit")
        let repo: Repo
        let index = MemoryProvenanceIndex()
        let worker = NodeIdentity.generate()
        let raw: CID
        let model: CID
        let trainStep: CID

        init() throws {
            repo = try Repo(home: folder.file("requester"))
            raw = try repo.addBytes(Array("raw corpus".utf8)).cid
            let clean = try repo.addBytes(Array("clean corpus".utf8)).cid
            model = try repo.addBytes(Array("model".utf8)).cid
            let log = try repo.addBytes([]).cid
            let writer = ProvenanceWriter(sink: repo.blocks, index: index, identity: worker)
            let prepRecipe = Recipe(tool: nil, run: ["prep"], inputs: ["corpus": raw], params: [:], env: [:], engine: Recipe.sandboxEngine, limits: [:])
            let prep = try writer.write(recipe: prepRecipe, step: Step(
                recipe: try prepRecipe.cid(), outputs: ["clean": clean], stdout: log, stderr: log, exitCode: 0,
                node: worker.didKey.string, job: "j1", task: "prep", started: "2027-01-01T00:00:00Z", finished: "2027-01-01T00:00:01Z"))
            let trainRecipe = Recipe(tool: nil, run: ["train"], inputs: ["data": clean], params: [:], env: [:], engine: Recipe.sandboxEngine, limits: [:])
            trainStep = try writer.write(recipe: trainRecipe, step: Step(
                recipe: try trainRecipe.cid(), outputs: ["model": model], stdout: log, stderr: log, exitCode: 0,
                node: worker.didKey.string, job: "j1", task: "train", started: "2027-01-01T00:00:02Z",
                finished: "2027-01-01T00:00:03Z", parents: [prep.step])).step
        }

        /// A requester answering from this world; `hideAttestations` drops them from its report,
        /// `nodes` are the pool's node ids.
        func router(nodes: [String], hideAttestations: Bool = false, source: (any BlockSource)? = nil) -> Router<BasicRequestContext> {
            let router = Router()
            let (repo, index, worker) = (self.repo, self.index, self.worker)
            router.get("/api/v1/lineage/:cid") { _, context in
                let graph = try Lineage.walk(from: try CID(context.parameters.get("cid")!), source: repo, index: index)
                return try json(graph.document)
            }
            router.get("/api/v1/verify/:cid") { _, context in
                let report = try Verifier(source: repo, index: index, trusted: [worker.didKey]).verify(try CID(context.parameters.get("cid")!))
                var document = report.document
                if hideAttestations { document.findings.removeAll { $0.check == .signature || $0.check == .signer } }
                return try json(document)
            }
            router.get("/api/v1/nodes") { _, _ in
                try json(nodes.map {
                    NodeInfo(id: $0, url: "http://w", state: "ready", labels: [:], capacity: Capacity(slots: 1, milliCPU: 1000, memory: 1, disk: 1),
                             free: nil, pins: 0, pinnedBytes: 0, running: 0, lastHeartbeat: nil)
                })
            }
            GatewayRoutes(source: source ?? repo).register(on: router)
            return router
        }
    }

    @Test func aResultSignedByAPoolNodeVerifiesHere() async throws {
        let world = try World()
        let result = try await withServer(world.router(nodes: [world.worker.didKey.string])) { url in
            try await withClient(url) { try await RemoteAudit(client: $0).verify(world.model) }
        }
        #expect(result.report.verdict == .verified, "\(result.report.text)")
        #expect(result.blocks == 6)  // two steps, two recipes, two attestations
        #expect(result.trusted == [world.worker.didKey])
    }

    @Test func hiddenAttestationsMakeItUnverifiableNotVerified() async throws {
        let world = try World()
        let result = try await withServer(world.router(nodes: [world.worker.didKey.string], hideAttestations: true)) { url in
            try await withClient(url) { try await RemoteAudit(client: $0).verify(world.model) }
        }
        #expect(result.report.verdict != .verified)
        #expect(result.report.findings.contains { $0.check == .signature && $0.status == .unverifiable })
    }

    @Test func aSignerOutsideThePoolIsNotTrusted() async throws {
        let world = try World()
        let stranger = NodeIdentity.generate().didKey.string
        let result = try await withServer(world.router(nodes: [stranger])) { url in
            try await withClient(url) { try await RemoteAudit(client: $0).verify(world.model) }
        }
        #expect(result.report.verdict != .verified)
        #expect(result.report.findings.contains { $0.check == .signer && $0.status == .unverifiable })
    }

    @Test func aTamperedStepServedByTheRequesterFailsTheCheck() async throws {
        let world = try World()
        let tampered = MemoryBlockstore()
        for cid in try world.repo.blocks.allMultihashes() {
            for codec in [Multicodec.dagCBOR, .raw, .dagPB] {
                let candidate = CID(codec: codec, multihash: cid)
                if let bytes = try? world.repo.block(candidate) { try tampered.put(Block(trusted: candidate, bytes: bytes)) }
            }
        }
        tampered.corrupt(world.trainStep, with: Array("forged step".utf8))
        let result = try await withServer(world.router(nodes: [world.worker.didKey.string], source: tampered)) { url in
            try await withClient(url) { try await RemoteAudit(client: $0).verify(world.model) }
        }
        #expect(result.report.verdict != .verified)
    }
}
