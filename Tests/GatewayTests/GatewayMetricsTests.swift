import IPLD
import Testing

@testable import Gateway

/// What the gateway reports to its metrics hook.
@Suite struct GatewayMetricsTests {
    @Test func countersAddUpResponses() {
        let counters = GatewayCounters()
        let cid = TestBlocks.raw(seed: 1).cid
        counters.served(ServedResponse(format: .car, cid: cid, blocks: 3, bytes: 300, complete: true))
        counters.served(ServedResponse(format: .car, cid: cid, blocks: 1, bytes: 10, complete: false))
        counters.served(ServedResponse(format: .raw, cid: cid, blocks: 1, bytes: 100, complete: true))
        counters.refused(status: 404)
        counters.refused(status: 404)
        counters.refused(status: 400)
        let totals = counters.totals
        #expect(totals.carResponses == 2)
        #expect(totals.rawResponses == 1)
        #expect(totals.incompleteResponses == 1)
        #expect(totals.blocks == 5)
        #expect(totals.bytes == 410)
        #expect(totals.refused == [404: 2, 400: 1])
    }

    @Test func metricsCountWhatWasServed() async throws {
        let fixture = try GatewayFixture("routes-metrics")
        let file = try fixture.addFile(seed: 8, size: 10 * 1024, chunk: 1024)
        let blocks = try fixture.blocksInOrder(file.cid)
        let counters = GatewayCounters()
        try await GatewayRoutesTests.serve(fixture.repo, metrics: counters) { url, client in
            _ = try await send(client, "\(url)/ipfs/\(file.cid)?format=car")
            _ = try await send(client, "\(url)/ipfs/\(blocks[1].cid)?format=raw")
            _ = try await send(client, "\(url)/ipfs/\(blocks[1].cid)?format=raw", method: "HEAD")
            _ = try await send(client, "\(url)/ipfs/\(TestBlocks.raw(seed: 5).cid)?format=raw")
        }
        let totals = counters.totals
        #expect(totals.carResponses == 1)
        #expect(totals.rawResponses == 1)  // HEAD sends no block
        #expect(totals.blocks == blocks.count + 1)
        #expect(totals.bytes == blocks.map(\.bytes.count).reduce(0, +) + blocks[1].bytes.count)
        #expect(totals.incompleteResponses == 0)
        #expect(totals.refused == [404: 1])
    }
}
