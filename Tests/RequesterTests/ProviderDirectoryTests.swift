import Foundation
import IPLD
import PoolAPI
import Testing
@testable import Requester

/// Which gateways a claiming node is told to fetch from, and which CIDs get none.
@Suite struct ProviderDirectoryTests {
    @Test func aPublicInputIsNamedWithItsHoldersAndTheRequester() async throws {
        try await TestPool.with { pool in
            let data = testBlock(120)
            try (try await pool.send("POST", PoolAPI.Path.blocks, token: pool.admin, body: carBytes(roots: [data.cid], blocks: [data]))).expect(200)
            let holder = FakeWorker(pool: pool, url: "http://127.0.0.1:7001")
            try await holder.join(pins: [PinReport(cid: data.cid.string, size: 64)])
            _ = try await pool.submitJob(oneTaskSpec(input: data.cid))
            let assignment = try await holder.claimOne()
            let named = pool.requester.providers.providers(for: assignment.step, claimant: "did:key:zSomeOtherNode")
            #expect(named[data.cid.string] == ["http://127.0.0.1:7001", pool.url])
            #expect(pool.requester.providers.providers(for: assignment.step, claimant: holder.node).isEmpty)
        }
    }

    @Test func anInputTheSpecMarksPrivateGetsNoProviderEvenWhenNodesReportItPublic() async throws {
        try await TestPool.with { pool in
            // The requester holds a copy and a node pins it without a private mark: only the spec says private.
            let data = testBlock(121)
            try (try await pool.send("POST", PoolAPI.Path.blocks, token: pool.admin, body: carBytes(roots: [data.cid], blocks: [data]))).expect(200)
            let holder = FakeWorker(pool: pool, url: "http://127.0.0.1:7002")
            try await holder.join(pins: [PinReport(cid: data.cid.string, size: 64)])
            _ = try await pool.submitJob(oneTaskSpec(input: data.cid, locality: "required", isPrivate: true))
            let assignment = try await holder.claimOne()
            let named = pool.requester.providers.providers(for: assignment.step, claimant: "did:key:zSomeOtherNode")
            #expect(named[data.cid.string] == nil, "a private input was given providers: \(named)")
        }
    }
}
