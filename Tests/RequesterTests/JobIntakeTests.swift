import Foundation
import IPLD
import JobStore
import Orchestrator
import PoolAPI
import Testing
@testable import Requester

/// Submitting jobs: validation with diagnostics, and CIDs that must be had.
@Suite struct JobIntakeTests {
    @Test func aMalformedSpecIsRefusedWithEveryDiagnostic() async throws {
        try await TestPool.with { pool in
            let spec = """
                version: 1
                name: broken
                tasks:
                  - id: a
                    run: [sh, -c, "true"]
                    inputs: {data: {from: inputs.missing}}
                    colour: blue
                """
            let exchange = try await pool.submit(spec)
            #expect(exchange.status == 400)
            let error = try #require(exchange.error)
            #expect(error.error.hasPrefix("invalid spec"))
            let diagnostics = try #require(error.diagnostics)
            #expect(diagnostics.count >= 2, "\(diagnostics)")
            #expect(diagnostics.contains { $0.path.contains("colour") || $0.message.contains("colour") })
            #expect(diagnostics.contains { $0.message.contains("missing") })
            #expect(diagnostics.allSatisfy { $0.location?.file == "test.yaml" && ($0.location?.line ?? 0) > 0 })
            #expect(try pool.requester.store.jobs().isEmpty)
        }
    }

    @Test func localPathsAreRefused() async throws {
        try await TestPool.with { pool in
            let spec = """
                version: 1
                name: paths
                inputs:
                  data: {path: ./data.txt}
                tasks:
                  - id: a
                    run: [sh, -c, "true"]
                    inputs: {data: {from: inputs.data}}
                """
            let exchange = try await pool.submit(spec)
            #expect(exchange.status == 400)
            #expect(exchange.error?.diagnostics?.isEmpty == false)
        }
    }

    @Test func anInputNobodyHoldsIsRefusedByItsCID() async throws {
        try await TestPool.with { pool in
            let unknown = testBlock(41).cid
            let exchange = try await pool.submit(oneTaskSpec(input: unknown))
            #expect(exchange.status == 400)
            #expect(exchange.error?.error.contains(unknown.string) == true, "\(exchange.text)")
            #expect(exchange.error?.error.contains("input 'data'") == true)
            #expect(try pool.requester.store.jobs().isEmpty)
        }
    }

    @Test func anUploadedInputIsAcceptedAndPinnedForTheJob() async throws {
        try await TestPool.with { pool in
            let block = testBlock(42)
            let upload = try await pool.send("POST", PoolAPI.Path.blocks, token: pool.admin, body: carBytes(roots: [block.cid], blocks: [block]), contentType: "application/vnd.ipld.car")
            try upload.expect(200)
            let exchange = try await pool.submit(oneTaskSpec(input: block.cid))
            try exchange.expect(201)
            let status = try exchange.decode(JobStatus.self)
            #expect(status.tasks.map(\.id) == ["a"])
            #expect(try pool.requester.repo.pins().contains { $0.cid == block.cid })
        }
    }

    /// The drive and placement start from the spec intake loaded, not from the stored copy:
    /// it must be the spec a restarted requester loads from the store.
    @Test func theSpecHandedToTheDriveIsTheOneARestartLoads() async throws {
        try await TestPool.with { pool in
            let data = testBlock(46).cid
            try await FakeWorker(pool: pool).join(pins: [PinReport(cid: data.string, size: 10)])
            let spec = """
                version: 1
                inputs:
                  data: {cid: \(data.string), private: true}
                import: {cidVersion: 1, chunker: size-1024}
                tasks:
                  - id: a
                    run: [sh, -c, "echo {{params.scale}} no"]
                    inputs: {data: {from: inputs.data}}
                    outputs: [out]
                    params: {scale: 1.0, n: 3, flag: 'yes'}
                    resources: {cpu: 0.5, memory: 1GiB}
                    locality: required
                    constraints: [region=eu]
                    retries: 3
                    queueTimeout: 90m
                    cache: false
                  - id: b
                    run: [cat, /inputs/x]
                    inputs: {x: {from: a.out}}
                """
            let intake = JobIntake(repo: pool.requester.repo, store: pool.requester.store, registry: pool.requester.registry)
            let accepted = try intake.accept(JobSubmission(spec: spec, file: "dir/named.yaml"))
            let stored = try pool.requester.store.job(accepted.job.id)
            #expect(accepted.job.spec == stored.spec && accepted.job.inputs == stored.inputs && accepted.job.tools == stored.tools)
            #expect(accepted.spec == (try StoredSpec.decode(stored.spec, job: stored.id)))
            #expect(accepted.spec.name == "named")
            // The recipes handed to the drive are the stored recipe keys' (task b reads a's output: none).
            let tasks = try pool.requester.store.tasks(of: stored.id)
            #expect(tasks.map { accepted.recipes.cid(of: $0.id) } == tasks.map(\.recipe))
            #expect(accepted.recipes.count == 1)
            // The submit answer, built without the store, is what the store gives before the drive starts.
            let builder = JobStatusBuilder(store: pool.requester.store, placement: pool.requester.placement)
            let read = try builder.status(of: stored.id)
            #expect(accepted.status == read)
            #expect(try PoolAPI.encoder.encode(accepted.status) == (try PoolAPI.encoder.encode(read)))
        }
    }

    @Test func anInputPinnedByANodeIsAccepted() async throws {
        try await TestPool.with { pool in
            let data = testBlock(43).cid
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: data.string, size: 1 << 20)])
            try (try await pool.submit(oneTaskSpec(input: data))).expect(201)
        }
    }

    @Test func aPrivateInputMustBePinnedByANodeEvenWhenUploaded() async throws {
        try await TestPool.with { pool in
            let block = testBlock(44)
            try (try await pool.send("POST", PoolAPI.Path.blocks, token: pool.admin, body: carBytes(roots: [block.cid], blocks: [block]), contentType: "application/vnd.ipld.car")).expect(200)
            let refused = try await pool.submit(oneTaskSpec(input: block.cid, locality: "required", isPrivate: true))
            #expect(refused.status == 400)
            #expect(refused.error?.error.contains("private") == true)
            let worker = FakeWorker(pool: pool)
            try await worker.join(pins: [PinReport(cid: block.cid.string, size: 64, private: true)])
            try (try await pool.submit(oneTaskSpec(input: block.cid, locality: "required", isPrivate: true))).expect(201)
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        try await TestPool.with(configure: { $0.limits.jsonBody = 1024 }) { pool in
            let spec = oneTaskSpec(input: testBlock(45).cid) + "\n# " + String(repeating: "x", count: 4096)
            let status = try await pool.submit(spec).status
            #expect(status == 413)
        }
    }
}
