import BlockStore
import Foundation
import IPLD
import PoolAPI
import ShoalTesting
import Testing
@testable import Requester

/// The blocks a report carries: bounded, each checked against its CID before any is stored,
/// then stored and pinned in one write session.
@Suite struct ReportBlocksTests {
    static func block(_ seed: UInt64, count: Int = 64) -> Block {
        Block(bytes: SplitMix64.bytes(seed: seed, count: count), codec: .raw)
    }

    @Test func checkedBlocksAreFoundByMultihashAndListedOnce() throws {
        let a = Self.block(1), b = Self.block(2)
        let blocks = try ReportBlocks([ReportBlock(a), ReportBlock(b), ReportBlock(a)])
        #expect(blocks.blocks.map(\.cid) == [a.cid, b.cid])
        // A CIDv1 of another codec over the same bytes names the same stored block.
        #expect(blocks.bytes(of: CID(codec: .dagCBOR, multihash: a.cid.multihash)) == a.bytes)
        #expect(blocks.bytes(of: Self.block(3).cid) == nil)
    }

    @Test func aBlockThatDoesNotMatchItsCIDIsABadRequest() throws {
        let good = Self.block(4), named = Self.block(5)
        let error = #expect(throws: RequesterError.self) {
            try ReportBlocks([ReportBlock(good), ReportBlock(cid: named.cid, data: Data(good.bytes))])
        }
        #expect(error?.code == .badRequest)
        #expect(error?.message.contains("\(named.cid) of the report does not match its CID") == true, "\(String(describing: error))")
    }

    @Test func tooManyOrTooLargeBlocksAre413() throws {
        let many = (0...UInt64(ExecutionReport.maxBlocks)).map { ReportBlock(Self.block(100 + $0, count: 8)) }
        let count = #expect(throws: RequesterError.self) { try ReportBlocks(many) }
        #expect(count?.code == .tooLarge)
        let big = [ReportBlock(Self.block(6, count: ExecutionReport.maxBlockBytes / 2 + 1)), ReportBlock(Self.block(7, count: ExecutionReport.maxBlockBytes / 2))]
        let size = #expect(throws: RequesterError.self) { try ReportBlocks(big) }
        #expect(size?.code == .tooLarge)
        #expect(size?.message.contains("over the limit of \(ExecutionReport.maxBlockBytes)") == true)
    }

    @Test func storingWritesAndPinsEveryBlockOnceAndKeepsARecursivePin() throws {
        let home = TemporaryDirectory("report-blocks")
        let repo = try Repo(home: home.path)
        let shared = Self.block(8), own = Self.block(9)
        // A block pinned recursively before (an empty log uploaded as a CAR root) keeps that pin.
        try repo.write { writer in
            try writer.put(shared)
            try writer.pin(shared.cid, name: "upload")
        }
        let blocks = try ReportBlocks([ReportBlock(own), ReportBlock(shared)])
        #expect(try blocks.store(in: repo) == 1)
        #expect(try repo.block(own.cid) == own.bytes)
        #expect(try repo.pinStatus(own.cid) != .notPinned)
        let pins = try repo.pins()
        #expect(pins.first { $0.cid == shared.cid }?.mode == .recursive)
        #expect(pins.first { $0.cid == own.cid }?.mode == .direct)
        // Again (a duplicate report): nothing new is written, the pins stay.
        #expect(try blocks.store(in: repo) == 0)
        #expect(try repo.pins().count == 2)
        #expect(try repo.verify().isHealthy)
    }
}
