import Foundation
import Gateway
import IPLD
import PoolAPI
import Provenance
import Testing
@testable import Requester

/// Block uploads, lineage and verification from uploaded provenance, outputs through `/ipfs`.
@Suite struct RequesterRoutesDataTests {
    @Test func theNodeListCountsUsedSlotsFromTheJoinOnBeforeAnyHeartbeat() async throws {
        try await TestPool.with { pool in
            let data = testBlock(90).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(slots: 3, pins: [PinReport(cid: data.string, size: 10)])
            func info() async throws -> NodeInfo {
                let exchange = try await pool.send("GET", PoolAPI.Path.nodes, token: pool.admin)
                try exchange.expect(200)
                return try #require(try exchange.decode([NodeInfo].self).first { $0.id == worker.node })
            }
            var node = try await info()
            #expect(node.free == nil, "no heartbeat yet")
            #expect(node.capacity.slots == 3 && node.usedSlots == 0 && node.running == 0)
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            _ = try await pool.waitForStatus(job) { $0.tasks.first?.node == worker.node }
            node = try await info()
            #expect(node.usedSlots == 1 && node.running == 0, "placed, not claimed: \(node)")
            let assignment = try await worker.claimOne()
            node = try await info()
            #expect(node.usedSlots == 1 && node.running == 1, "\(node)")
            #expect(node.free == nil)
            #expect(try await worker.report(assignment).status == 200)
            _ = try await pool.waitForEnd(job)
            node = try await info()
            #expect(node.usedSlots == 0 && node.running == 0, "\(node)")
        }
    }

    @Test func anUploadedCARIsStoredAndPinnedAndACorruptedOneLeavesNoPin() async throws {
        try await TestPool.with { pool in
            let good = testBlock(91), other = testBlock(92)
            let stored = try await pool.send("POST", PoolAPI.Path.blocks, token: pool.admin, body: carBytes(roots: [good.cid], blocks: [good]), contentType: "application/vnd.ipld.car")
            try stored.expect(200)
            #expect(try stored.decode(BlockUpload.self) == BlockUpload(roots: [good.cid.string], blocks: 1, newBlocks: 1))
            #expect(try pool.requester.repo.pins().contains { $0.cid == good.cid })

            let corrupted = try await pool.send(
                "POST", PoolAPI.Path.blocks, token: pool.admin, body: carBytes(roots: [other.cid], blocks: [other], corrupt: other.cid),
                contentType: "application/vnd.ipld.car")
            #expect(corrupted.status == 400)
            #expect(corrupted.error?.error.contains("does not match") == true, "\(corrupted.text)")
            #expect(try pool.requester.repo.pins().contains { $0.cid == other.cid } == false)
            #expect(try pool.requester.repo.has(other.cid) == false)
            // A root that is in neither the CAR nor the store, and garbage, are refused too.
            #expect(try await pool.send("POST", PoolAPI.Path.blocks, token: pool.admin, body: carBytes(roots: [other.cid], blocks: [good])).status == 400)
            #expect(try await pool.send("POST", PoolAPI.Path.blocks, token: pool.admin, body: [1, 2, 3]).status == 400)
            let worker = try await pool.token(.worker)
            #expect(try await pool.send("POST", PoolAPI.Path.blocks, token: worker, body: carBytes(roots: [good.cid], blocks: [good])).status == 403)
        }
    }

    @Test func blocksANodeMarksPrivateAreNotServedEvenWhenTheRequesterHoldsThem() async throws {
        try await TestPool.with { pool in
            // A client uploaded the same bytes a node pins as private (compute-to-data: they never move).
            let secret = testBlock(94)
            let file = Block(bytes: Array("a file of a private folder".utf8), codec: .raw)
            let folder = Block(bytes: PBNode(links: [PBLink(hash: file.cid, name: "f", tsize: UInt64(file.bytes.count))]).encoded(), codec: .dagPB)
            let open = testBlock(95)
            let upload = carBytes(roots: [secret.cid, folder.cid, open.cid], blocks: [secret, folder, file, open])
            try (try await pool.send("POST", PoolAPI.Path.blocks, token: pool.admin, body: upload, contentType: "application/vnd.ipld.car")).expect(200)
            try await FakeWorker(pool: pool).join(pins: [
                PinReport(cid: secret.cid.string, size: 64, private: true), PinReport(cid: folder.cid.string, size: 100, private: true),
            ])
            let client = try await pool.token(.client)
            for path in ["/ipfs/\(secret.cid)?format=raw", "/ipfs/\(secret.cid)?format=car", "/ipfs/\(folder.cid)?format=car"] {
                let answer = try await pool.send("GET", path, token: client)
                #expect(answer.status == 404, "\(path) answered \(answer.status)")
            }
            // Other blocks are served as before.
            #expect(try await pool.send("GET", "/ipfs/\(open.cid)?format=raw", token: client).status == 200)
        }
    }

    @Test func everyBlockOfAPrivateDAGIsWithheldAsNodesReportIt() async throws {
        try await TestPool.with { pool in
            let file = Block(bytes: Array("an inner block of a private folder".utf8), codec: .raw)
            let folder = Block(bytes: PBNode(links: [PBLink(hash: file.cid, name: "f", tsize: UInt64(file.bytes.count))]).encoded(), codec: .dagPB)
            let late = Block(bytes: Array("uploaded after the node said it is private".utf8), codec: .raw)
            let lateFolder = Block(bytes: PBNode(links: [PBLink(hash: late.cid, name: "g", tsize: UInt64(late.bytes.count))]).encoded(), codec: .dagPB)
            try (try await pool.send(
                "POST", PoolAPI.Path.blocks, token: pool.admin, body: carBytes(roots: [folder.cid], blocks: [folder, file]),
                contentType: "application/vnd.ipld.car")).expect(200)
            let client = try await pool.token(.client)
            func status(_ cid: CID) async throws -> Int { try await pool.send("GET", "/ipfs/\(cid)?format=raw", token: client).status }
            #expect(try await status(file.cid) == 200)  // nobody says it is private yet

            // A node joins with the folder as a public pin, then reports it private in a heartbeat.
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: folder.cid.string, size: 100)])
            #expect(try await status(file.cid) == 200)
            try await worker.heartbeat(Heartbeat(pinsAdded: [
                PinReport(cid: folder.cid.string, size: 100, private: true), PinReport(cid: lateFolder.cid.string, size: 100, private: true),
            ]))
            #expect(try await status(file.cid) == 404, "an inner block of a private DAG was served by its own CID")

            // Blocks of a private DAG that reach the requester later are withheld too.
            try (try await pool.send(
                "POST", PoolAPI.Path.blocks, token: pool.admin, body: carBytes(roots: [lateFolder.cid], blocks: [lateFolder, late]),
                contentType: "application/vnd.ipld.car")).expect(200)
            #expect(try await status(late.cid) == 404)

            // Once no node holds it as private any more, it is served again.
            try await worker.heartbeat(Heartbeat(pinsRemoved: [folder.cid.string]))
            #expect(try await status(file.cid) == 200)
            #expect(try await status(late.cid) == 404)
            // Nor once its node reports it public again.
            try await worker.heartbeat(Heartbeat(pinsAdded: [PinReport(cid: lateFolder.cid.string, size: 100)]))
            #expect(try await status(late.cid) == 200)
        }
    }

    @Test func anUploadOverTheLimitIs413() async throws {
        try await TestPool.with(configure: { $0.limits.blockUpload = 512 }) { pool in
            let block = testBlock(93, count: 4096)
            let status = try await pool.send("POST", PoolAPI.Path.blocks, token: pool.admin, body: carBytes(roots: [block.cid], blocks: [block])).status
            #expect(status == 413)
        }
    }

    @Test func lineageAndVerifyComeFromTheProvenanceANodeUploaded() async throws {
        try await TestPool.with { pool in
            let data = testBlock(94).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 64)])
            let job = try await pool.submitJob(oneTaskSpec(input: data))
            let assignment = try await worker.claimOne()
            // The worker writes and signs its step, uploads the provenance blocks, then reports.
            let output = testBlock(95).cid
            let stdout = Block(bytes: Array("out\n".utf8), codec: .raw), stderr = Block(bytes: [], codec: .raw)
            let step = Step(
                recipe: assignment.step.recipeCID, outputs: ["out": output], stdout: stdout.cid, stderr: stderr.cid, exitCode: 0,
                node: worker.node, job: job, task: "a", started: ProvenanceTime.now(), finished: ProvenanceTime.now())
            let sink = MemoryBlockstore()
            let written = try ProvenanceWriter(sink: sink, index: MemoryProvenanceIndex(), identity: worker.identity)
                .write(recipe: assignment.step.recipe, step: step)
            let blocks = written.blocks + [stdout, stderr]
            let upload = try await pool.send(
                "POST", PoolAPI.Path.blocks, token: worker.credential, body: carBytes(roots: [written.step, written.attestation], blocks: blocks),
                contentType: "application/vnd.ipld.car")
            try upload.expect(200)
            var outcome = worker.succeeded(assignment, stdout: stdout.cid)
            outcome.outputs = ["out": output]
            outcome.step = written.step
            outcome.attestation = written.attestation
            outcome.stderr = stderr.cid
            // An outcome that contradicts the uploaded step is refused.
            var lying = outcome
            lying.outputs = ["out": testBlock(96).cid]
            #expect(try await worker.report(assignment, lying).status == 400)
            #expect(try await worker.report(assignment, outcome).status == 200)
            let end = try await pool.waitForEnd(job)
            #expect(end.tasks.first?.step == written.step.string)
            #expect(end.tasks.first?.outputs == ["out": output.string])

            let lineage = try await pool.send("GET", PoolAPI.Path.lineage(output.string), token: pool.admin)
            try lineage.expect(200)
            let document = try JSONDecoder().decode(LineageGraph.Document.self, from: Data(lineage.body))
            #expect(document.nodes.contains { $0.kind == "step" && $0.cid == written.step.string && $0.node == worker.node })
            #expect(document.rawInputs.contains(data.string))
            let tree = try await pool.send("GET", PoolAPI.Path.lineage(output.string) + "?format=tree", token: pool.admin)
            #expect(tree.text.contains(written.step.string))
            #expect(try await pool.send("GET", PoolAPI.Path.lineage("notacid"), token: pool.admin).status == 400)
            #expect(try await pool.send("GET", PoolAPI.Path.lineage(output.string) + "?format=pdf", token: pool.admin).status == 400)

            let verify = try await pool.send("GET", PoolAPI.Path.verify(output.string), token: pool.admin)
            try verify.expect(200)
            #expect(verify.text.contains("\"verdict\":\"verified\""), "\(verify.text)")
        }
    }

    @Test func anOutputIsFetchedFromItsNodeAndPrivateDataNeverIs() async throws {
        try await TestPool.with { pool in
            // The worker's gateway accepts the peer tickets of this pool (the requester's key).
            let peer = try DIDKey(pool.requester.node)
            let blocks = MemoryBlockstore()
            let output = Block(bytes: Array("the model".utf8), codec: .raw)
            let secret = testBlock(97)
            try blocks.put(output)
            try blocks.put(secret)
            try await withWorkerGateway(store: blocks, pool: peer) { url, counters in
                let worker = FakeWorker(pool: pool, url: url)
                try await worker.join(pins: [PinReport(cid: secret.cid.string, size: 64, private: true)])
                let job = try await pool.submitJob(oneTaskSpec(input: secret.cid, locality: "required", isPrivate: true))
                let assignment = try await worker.claimOne()
                var outcome = worker.succeeded(assignment)
                outcome.outputs = ["out": output.cid]
                // Index the output as a step's, as a real worker's upload would.
                let step = Step(
                    recipe: assignment.step.recipeCID, outputs: ["out": output.cid], stdout: testBlock(98).cid, stderr: testBlock(99).cid,
                    exitCode: 0, node: worker.node, job: job, task: "a", started: ProvenanceTime.now(), finished: ProvenanceTime.now())
                let written = try ProvenanceWriter(sink: MemoryBlockstore(), index: MemoryProvenanceIndex(), identity: worker.identity)
                    .write(recipe: assignment.step.recipe, step: step)
                try (try await pool.send("POST", PoolAPI.Path.blocks, token: worker.credential, body: carBytes(roots: [written.step], blocks: written.blocks))).expect(200)
                outcome.step = written.step
                #expect(try await worker.report(assignment, outcome).status == 200)
                try await pool.waitForEnd(job)

                // The output is not on the requester: it is fetched from the worker, verified, and served.
                #expect(try pool.requester.repo.has(output.cid) == false)
                let served = try await pool.send("GET", "/ipfs/\(output.cid)?format=raw", token: pool.admin)
                try served.expect(200)
                #expect(served.body == output.bytes)
                #expect(try pool.requester.repo.has(output.cid))
                #expect(counters.totals.rawResponses + counters.totals.carResponses >= 1)

                // The private input is never asked for.
                let before = counters.totals
                #expect(try await pool.send("GET", "/ipfs/\(secret.cid)?format=raw", token: pool.admin).status == 404)
                #expect(try await pool.send("GET", "/ipfs/\(secret.cid)?format=car", token: pool.admin).status == 404)
                #expect(counters.totals == before)
                #expect(try pool.requester.repo.has(secret.cid) == false)
            }
        }
    }
}
