import IPLD
import Testing
@testable import UnixFS

/// Malformed nodes a hostile source could serve: each must be refused with the CID named.
@Suite struct UnixFSNodeTests {
    private func decode(_ node: PBNode) throws -> UnixFSNode {
        let bytes = node.encoded()
        return try UnixFSNode(cid: CID.sha256(bytes, codec: .dagPB), bytes: bytes)
    }

    private let child = CID.sha256([1, 2, 3], codec: .raw)

    @Test func readsAValidFileNode() throws {
        let data = UnixFSData(type: .file, data: [9, 9], filesize: 5, blocksizes: [3])
        guard case .file(let file) = try decode(PBNode(links: [PBLink(hash: child, name: "", tsize: 3)], data: data.encoded())) else {
            Issue.record("not a file")
            return
        }
        #expect(file.size == 5)
        #expect(Array(file.storage[file.dataRange]) == [9, 9])
    }

    @Test(arguments: [
        ("blocksizes without links", PBNode(data: UnixFSData(type: .file, filesize: 3, blocksizes: [3]).encoded())),
        ("links without blocksizes", PBNode(links: [PBLink(hash: CID.sha256([1], codec: .raw), name: "", tsize: 1)],
                                            data: UnixFSData(type: .file, filesize: 1).encoded())),
        ("filesize disagrees", PBNode(data: UnixFSData(type: .file, data: [1], filesize: 2).encoded())),
        ("named file link", PBNode(links: [PBLink(hash: CID.sha256([1], codec: .raw), name: "x", tsize: 1)],
                                   data: UnixFSData(type: .file, filesize: 1, blocksizes: [1]).encoded())),
        ("no Data", PBNode()),
        ("garbage Data", PBNode(data: [0xff, 0xff])),
        ("HAMT without hash type", PBNode(data: UnixFSData(type: .hamtShard, fanout: 256).encoded())),
        ("HAMT with another hash", PBNode(data: UnixFSData(type: .hamtShard, hashType: 0x12, fanout: 256).encoded())),
        ("HAMT fanout not a power of two", PBNode(data: UnixFSData(type: .hamtShard, hashType: 0x22, fanout: 100).encoded())),
        ("HAMT bitfield too long", PBNode(data: UnixFSData(type: .hamtShard, data: [UInt8](repeating: 1, count: 33), hashType: 0x22, fanout: 256).encoded())),
        ("symlink with links", PBNode(links: [PBLink(hash: CID.sha256([1], codec: .raw), name: "", tsize: 1)],
                                      data: UnixFSData(type: .symlink, data: [0x61]).encoded())),
        ("blocksizes overflow", PBNode(links: [PBLink(hash: CID.sha256([1], codec: .raw)), PBLink(hash: CID.sha256([2], codec: .raw))],
                                       data: UnixFSData(type: .file, blocksizes: [UInt64.max, 2]).encoded())),
    ] as [(String, PBNode)])
    func rejects(_ label: String, _ node: PBNode) {
        let error = #expect(throws: UnixFSError.self, "\(label)") { try decode(node) }
        let cid = CID.sha256(node.encoded(), codec: .dagPB)
        #expect(error?.description.contains(cid.string) == true, "\(label): \(String(describing: error))")
    }

    @Test func otherCodecsAreNotUnixFS() {
        let error = #expect(throws: UnixFSError.self) { try UnixFSNode(cid: CID.sha256([0xa0], codec: .dagCBOR), bytes: [0xa0]) }
        #expect(error?.code == .unsupported)
    }

    @Test func rawBlocksAreFiles() throws {
        guard case .file(let file) = try UnixFSNode(cid: child, bytes: [1, 2, 3]) else {
            Issue.record("not a file")
            return
        }
        #expect(file.size == 3)
        #expect(file.children.isEmpty)
    }
}
