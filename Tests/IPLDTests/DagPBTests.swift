import ShoalTesting
import Testing
@testable import IPLD

@Suite struct DagPBTests {
    /// UnixFS data of a small file: Type=File, Data="hello world\n", filesize=12.
    static let helloFileData: [UInt8] = [0x08, 0x02, 0x12, 0x0c] + Array("hello world\n".utf8) + [0x18, 0x0c]

    // MARK: Nodes kubo made (`kubo_ref.py cid PATH`, kubo 0.22 defaults)

    @Test func smallFileNodeMatchesKubo() throws {
        let node = PBNode(data: Self.helloFileData)
        let bytes = node.encoded()
        #expect(bytes == (try hexBytes("0a120802120c68656c6c6f20776f726c640a180c")))
        #expect(CID.sha256(bytes, codec: .dagPB, version: .v0).string == "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o")
        #expect(try PBNode(decoding: bytes) == node)
    }

    @Test func directoryNodeMatchesKubo() throws {
        // A folder holding a.txt = "hello world\n"; Tsize is the file node's 20 bytes.
        let file = try CID("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o")
        let node = PBNode(links: [PBLink(hash: file, name: "a.txt", tsize: 20)], data: [0x08, 0x01])
        let bytes = node.encoded()
        #expect(CID.sha256(bytes, codec: .dagPB, version: .v0).string == "QmVa4SiL7NizBsHzzudfME4xFN2PgbMCPiJqzECLBshKNx")
        #expect(bytes.count == node.encodedLength)
        #expect(try PBNode(decoding: bytes) == node)
        #expect(try BlockLinks.of(bytes, codec: .dagPB) == [file])
    }

    @Test func emptyDirectoryIsTheWellKnownCID() {
        let bytes = PBNode(data: [0x08, 0x01]).encoded()
        #expect(CID.sha256(bytes, codec: .dagPB, version: .v0).string == "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn")
    }

    // MARK: Round trips

    @Test(arguments: 0..<32)
    func randomNodesRoundTrip(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let links = (0..<Int(rng.next() % 6)).map { i in
            PBLink(hash: CID.sha256(rng.bytes(8), codec: i % 2 == 0 ? .raw : .dagPB, version: i % 3 == 0 ? .v0 : .v1),
                   name: rng.next() & 1 == 1 ? "name-\(rng.next() % 100)-é" : nil,
                   tsize: rng.next() & 1 == 1 ? rng.next() >> (rng.next() % 64) : nil)
        }
        let data: [UInt8]? = rng.next() & 1 == 1 ? rng.bytes(Int(rng.next() % 300)) : nil
        let node = PBNode(links: links, data: data)
        let bytes = node.encoded()
        #expect(bytes.count == node.encodedLength)
        let decoded = try PBNode(decoding: bytes)
        #expect(decoded == node)
        #expect(decoded.encoded() == bytes)
        #expect(try PBNode(ipldValue: node.ipldValue) == node)
    }

    @Test func absentAndEmptyDataDiffer() throws {
        let absent = PBNode(data: nil).encoded()
        let empty = PBNode(data: []).encoded()
        #expect(absent == [])
        #expect(empty == [0x0a, 0x00])
        #expect(try PBNode(decoding: empty).data == [])
        #expect(try PBNode(decoding: absent).data == nil)
    }

    // MARK: Strict decoding

    /// Invalid blocks: the ipld/codec-fixtures negative fixtures (dag-pb/decode/edges.json) and
    /// the decoder's own ordering and uniqueness rules.
    @Test(arguments: [
        ("link with no Hash", "1200"),
        ("Data, and link with no Hash", "12000a050001020304"),
        ("link with zero-length Hash", "12020a00"),
        ("link with just empty Name", "12021200"),
        ("link with just some Name", "120b1209736f6d65206e616d65"),
        ("link with just zero Tsize", "12021800"),
        ("link with just non-zero Tsize", "120318f207"),
        ("Data between links", "12240a221220cf92fdefcdc34cac009c8b05eb662be0618db9de55ecd42785e9ec6712f8df65"
            + "0a040802180612240a221220cf92fdefcdc34cac009c8b05eb662be0618db9de55ecd42785e9ec6712f8df65"),
        ("Data twice", "0a00" + "0a00"),
        ("unknown node field", "1a00"),
        ("Data with varint wire type", "0801"),
        ("link fields out of order (Name before Hash)",
         "12281200" + "0a221220cf92fdefcdc34cac009c8b05eb662be0618db9de55ecd42785e9ec6712f8df65"),
        ("link Hash twice", "12480a221220cf92fdefcdc34cac009c8b05eb662be0618db9de55ecd42785e9ec6712f8df65"
            + "0a221220cf92fdefcdc34cac009c8b05eb662be0618db9de55ecd42785e9ec6712f8df65"),
        ("link Name not UTF-8", "12280a221220cf92fdefcdc34cac009c8b05eb662be0618db9de55ecd42785e9ec6712f8df65" + "1202c328"),
        ("link Hash not a CID", "12040a020102"),
        ("truncated Data", "0a0501"),
        ("truncated varint key", "80"),
    ])
    func rejectsInvalidBlocks(_ name: String, _ hex: String) throws {
        let bytes = try hexBytes(hex)
        let error = try #require(throws: IPLDError.self) { try PBNode(decoding: bytes) }
        #expect(error.code == .invalidDagPB, "\(name): \(error)")
        #expect(throws: IPLDError.self) { try BlockLinks.of(bytes, codec: .dagPB) }
    }

    // MARK: Data model form

    @Test func dataModelForm() throws {
        let cid = CID.sha256([1], codec: .raw)
        let node = PBNode(links: [PBLink(hash: cid, name: "a", tsize: 3), PBLink(hash: cid)], data: [7])
        #expect(node.ipldValue == ["Data": .bytes([7]), "Links": [["Hash": .link(cid), "Name": "a", "Tsize": 3],
                                                                  ["Hash": .link(cid)]]])
        #expect(PBNode().ipldValue == ["Links": []])
    }

    /// Data model forms a dag-pb node cannot have (after codec-fixtures dag-pb/encode/invalid-forms.json).
    static let invalidForms: [(String, IPLDValue)] = {
        let hash = IPLDValue.link(CID.sha256([], codec: .raw))
        var forms: [(String, IPLDValue)] = []
        forms.append(("empty map", [:]))
        forms.append(("Links null", ["Links": .null]))
        forms.append(("Links not a list", ["Links": "blip"]))
        forms.append(("Data null", ["Data": .null, "Links": []]))
        forms.append(("Data not bytes", ["Data": 101, "Links": []]))
        forms.append(("extraneous field", ["Links": [], "extraneous": true]))
        forms.append(("link not a map", ["Links": [true]]))
        forms.append(("link without Hash", ["Links": [[:]]]))
        forms.append(("link Hash not a link", ["Links": [["Hash": "QmNPWHBrVQiiV8FpyNuEPhB9E2rbvdy9Yx79EY1EJuyf9o"]]]))
        forms.append(("extraneous link field", ["Links": [["Hash": hash, "extraneous": true]]]))
        forms.append(("negative Tsize", ["Links": [["Hash": hash, "Tsize": -1]]]))
        forms.append(("Name not a string", ["Links": [["Hash": hash, "Name": 1]]]))
        forms.append(("not a map", [1]))
        return forms
    }()

    @Test(arguments: invalidForms)
    func rejectsInvalidDataModelForms(_ name: String, _ value: IPLDValue) throws {
        let error = try #require(throws: IPLDError.self) { try PBNode(ipldValue: value) }
        #expect(error.code == .invalidDagPB, "\(name): \(error)")
    }
}
