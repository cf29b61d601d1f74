import BlockStore
import Foundation
import IPLD
import PoolAPI

/// The blocks a report brings with it (``PoolAPI/ExecutionReport/blocks``), checked before
/// anything is stored.
///
/// Building one checks the bounds (at most ``PoolAPI/ExecutionReport/maxBlocks`` blocks and
/// ``PoolAPI/ExecutionReport/maxBlockBytes`` bytes: 413 past them) and every block against its
/// CID (400 naming the first that does not match: nothing is stored). ``store(in:)`` then
/// writes them in one write session: the block files first, then one flush of the file system
/// (the repository's `syncBeforePin`) and one transaction pinning them all, so a report is
/// acknowledged only once its blocks are on disk, and the blocks a report needs are kept.
struct ReportBlocks: Sendable {
    /// The blocks, in the order the report listed them, each once.
    let blocks: [Block]
    private let byMultihash: [Multihash: Int]

    static let none = ReportBlocks(checked: [])
    /// The name of the direct pins a report's blocks get.
    static let pinName = "report"

    /// Checks `wire`: bounds, then every block's hash.
    ///
    /// - Throws: ``RequesterError`` 413 past the bounds, 400 for a block that does not match its
    ///   CID or whose hash function the requester cannot verify.
    init(_ wire: [ReportBlock]) throws {
        guard wire.count <= ExecutionReport.maxBlocks else {
            throw RequesterError(
                .tooLarge, "the report carries \(wire.count) blocks, over the limit of \(ExecutionReport.maxBlocks): upload them with POST \(PoolAPI.Path.blocks) first")
        }
        let total = wire.reduce(0) { $0 + $1.data.count }
        guard total <= ExecutionReport.maxBlockBytes else {
            throw RequesterError(
                .tooLarge, "the report's blocks hold \(total) bytes, over the limit of \(ExecutionReport.maxBlockBytes): upload them with POST \(PoolAPI.Path.blocks) first")
        }
        var blocks: [Block] = []
        blocks.reserveCapacity(wire.count)
        var seen = Set<CID>()
        for entry in wire where seen.insert(entry.cid).inserted {
            switch entry.cid.multihash.code {
            case .sha2_256, .identity: break
            default:
                throw RequesterError(.badRequest, "block \(entry.cid) of the report uses a hash function the requester cannot verify; nothing was stored")
            }
            guard entry.cid.verifies(entry.data) else {
                throw RequesterError(.badRequest, "block \(entry.cid) of the report does not match its CID (bad hash); nothing was stored")
            }
            blocks.append(Block(trusted: entry.cid, bytes: Array(entry.data)))
        }
        self.init(checked: blocks)
    }

    private init(checked blocks: [Block]) {
        self.blocks = blocks
        var index: [Multihash: Int] = [:]
        for (offset, block) in blocks.enumerated() { index[block.cid.multihash] = offset }
        byMultihash = index
    }

    var isEmpty: Bool { blocks.isEmpty }

    /// The bytes of `cid` when the report carries it (matched by multihash, as the store does).
    func bytes(of cid: CID) -> [UInt8]? {
        byMultihash[cid.multihash].map { blocks[$0].bytes }
    }

    /// Writes every block and pins each directly, in one write session; returns how many block
    /// files were new.
    ///
    /// Direct pins, as `POST /api/v1/blocks` gives the blocks of a DAG that is not complete here
    /// (a step links outputs that stay on the worker). A block already pinned recursively (an
    /// empty log shared by many steps, uploaded as a CAR root) keeps that pin.
    @discardableResult
    func store(in repo: Repo) throws -> Int {
        guard !blocks.isEmpty else { return 0 }
        return try repo.write { writer in
            var written = 0
            for block in blocks where try writer.store(block) { written += 1 }
            let cids = blocks.map(\.cid)
            do {
                // One flush to disk (when a file was written) and one transaction for all.
                _ = try writer.pin(cids, mode: .direct, name: Self.pinName)
            } catch let error as BlockStoreError where error.code == .alreadyPinned {
                for cid in cids {
                    do {
                        _ = try writer.pin(cid, mode: .direct, name: Self.pinName)
                    } catch let error as BlockStoreError where error.code == .alreadyPinned {
                        continue
                    }
                }
            }
            return written
        }
    }
}
