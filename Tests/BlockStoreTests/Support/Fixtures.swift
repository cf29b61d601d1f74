import Foundation
import IPLD
import ShoalTesting

@testable import BlockStore

/// Small DAGs built by hand: raw or dag-pb leaves from SplitMix64 bytes, dag-pb parents.
enum TestDAG {
    /// A raw leaf of `size` bytes generated from `seed`.
    static func rawLeaf(seed: UInt64, size: Int = 100) -> Block {
        Block(bytes: SplitMix64.bytes(seed: seed, count: size), codec: .raw)
    }

    /// A dag-pb leaf (no links, data only) from `seed`.
    static func pbLeaf(seed: UInt64, size: Int = 100, version: CID.Version = .v1) -> Block {
        Block(bytes: PBNode(data: SplitMix64.bytes(seed: seed, count: size)).encoded(), codec: .dagPB, version: version)
    }

    /// A dag-pb node linking to `children` in order.
    static func node(_ children: [CID], data: [UInt8] = [8, 1], version: CID.Version = .v1) -> Block {
        let links = children.enumerated().map { PBLink(hash: $0.element, name: "\($0.offset)", tsize: 1) }
        return Block(bytes: PBNode(links: links, data: data).encoded(), codec: .dagPB, version: version)
    }

    /// A two-level tree: `fanout` raw leaves under one root, seeds `seed ..< seed + fanout`.
    /// Returns the root first, then the leaves.
    static func tree(seed: UInt64, fanout: Int = 3, leafSize: Int = 100) -> [Block] {
        let leaves = (0..<fanout).map { rawLeaf(seed: seed + UInt64($0), size: leafSize) }
        return [node(leaves.map(\.cid), data: [8, 2, UInt8(truncatingIfNeeded: seed)])] + leaves
    }
}

extension Repo {
    /// Writes `blocks` in one session, without pinning.
    func putAll(_ blocks: [Block]) throws {
        try write { writer in for block in blocks { try writer.put(block) } }
    }

    /// Multihashes of the block files on disk.
    func storedMultihashes() throws -> Set<Multihash> {
        Set(try blocks.allMultihashes())
    }
}

extension Set where Element == Multihash {
    init(_ blocks: [Block]) { self.init(blocks.map(\.cid.multihash)) }
}

/// Reads a whole file (test assertions only).
func readBytes(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Writes a whole file (test setup only).
func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
