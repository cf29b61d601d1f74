import BlockStore
import Foundation
import IPLD
import ShoalTesting
import UnixFS

/// A repository in a temporary folder, with helpers to build DAGs in it.
struct GatewayFixture: Sendable {
    let directory: TemporaryDirectory
    let repo: Repo

    init(_ label: String) throws {
        directory = TemporaryDirectory(label)
        repo = try Repo(home: directory.file("repo"))
    }

    /// Adds a UnixFS file of `size` SplitMix64 bytes from `seed`, in `chunk`-byte leaves and at
    /// most `maxLinks` links per node (small values give deep DAGs). Not pinned.
    func addFile(
        seed: UInt64, size: Int, chunk: Int = 1024, maxLinks: Int = 174, rawLeaves: Bool = true, version: CID.Version = .v1
    ) throws -> (cid: CID, bytes: [UInt8]) {
        let bytes = SplitMix64.bytes(seed: seed, count: size)
        let profile = ImportProfile(cidVersion: version, rawLeaves: rawLeaves, chunker: .fixedSize(chunk), maxLinks: maxLinks)
        let entry = try repo.addBytes(bytes, AddRequest(profile: profile, pin: false))
        return (entry.cid, bytes)
    }

    /// Writes `blocks` in one session, without pinning.
    func put(_ blocks: [Block]) throws {
        try repo.write { writer in for block in blocks { try writer.put(block) } }
    }

    /// What `repo.exportCAR` writes for `root`.
    func exportedCAR(_ root: CID) throws -> [UInt8] {
        let path = directory.file("export-\(UUID().uuidString).car")
        try repo.exportCAR(root: root, to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The blocks of the DAG under `root` in export order (depth-first, each once).
    func blocksInOrder(_ root: CID) throws -> [Block] {
        try CARBytes.blocks(in: exportedCAR(root))
    }
}

/// Hand-built dag-pb and raw blocks.
enum TestBlocks {
    static func raw(seed: UInt64, size: Int = 100) -> Block {
        Block(bytes: SplitMix64.bytes(seed: seed, count: size), codec: .raw)
    }

    /// A dag-pb node linking to `children` in order (UnixFS-less data).
    static func node(_ children: [CID], data: [UInt8] = [8, 1]) -> Block {
        let links = children.enumerated().map { PBLink(hash: $0.element, name: "\($0.offset)", tsize: 1) }
        return Block(bytes: PBNode(links: links, data: data).encoded(), codec: .dagPB)
    }
}

/// CAR v1 bytes built and parsed in memory, for test servers and assertions.
enum CARBytes {
    /// A CAR of `blocks` (in the given order) under `roots`.
    static func make(roots: [CID], blocks: [(cid: CID, bytes: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        let header = CARHeader(roots: roots).encoded()
        Varint.append(UInt64(header.count), to: &out)
        out += header
        for block in blocks { out += section(block.cid, block.bytes) }
        return out
    }

    static func section(_ cid: CID, _ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        let cidBytes = cid.bytes
        Varint.append(UInt64(cidBytes.count + bytes.count), to: &out)
        return out + cidBytes + bytes
    }

    /// The blocks of a CAR, in order (through BlockStore's reader, via a temporary file).
    static func blocks(in car: [UInt8]) throws -> [Block] {
        let path = NSTemporaryDirectory() + "/gateway-test-\(UUID().uuidString).car"
        try Data(car).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try CARReader(path: path)
        var blocks: [Block] = []
        while let section = try reader.next() { blocks.append(Block(trusted: section.cid, bytes: section.bytes)) }
        return blocks
    }

    /// The roots a CAR's header names.
    static func roots(of car: [UInt8]) throws -> [CID] {
        var offset = 0
        let length = try Varint.decode(car, at: &offset)
        return try CARHeader(decoding: Array(car[offset..<(offset + Int(length))])).roots
    }
}
