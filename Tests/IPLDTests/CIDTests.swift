import Testing
@testable import IPLD

@Suite struct CIDTests {
    // "hello world\n" added with kubo defaults (CIDv0) and with --cid-version=1 (raw leaf).
    @Test func knownTextForms() throws {
        let v0 = try CID("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o")
        #expect(v0.version == .v0)
        #expect(v0.codec == .dagPB)
        #expect(v0.string == "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o")
        #expect(v0.v1.string == "bafybeicg2rebjoofv4kbyovkw7af3rpiitvnl6i7ckcywaq6xjcxnc2mby")
    }

    @Test func rawCIDOfBytes() {
        let cid = CID.sha256(Array("hello world\n".utf8), codec: .raw)
        #expect(cid.string == "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4")
    }

    @Test func acceptsOtherMultibases() throws {
        let cid = CID.sha256(Array("abc".utf8), codec: .raw)
        let upper = cid.string(base: .base32Upper)
        let b58 = cid.string(base: .base58btc)
        #expect(upper.hasPrefix("B"))
        #expect(b58.hasPrefix("z"))
        #expect(try CID(upper) == cid)
        #expect(try CID(b58) == cid)
    }

    @Test func binaryRoundTrip() throws {
        let cid = CID.sha256(Array("abc".utf8), codec: .dagCBOR)
        #expect(try CID(bytes: cid.bytes) == cid)
        let v0 = try #require(CID.sha256([1, 2, 3], codec: .dagPB, version: .v0).v0)
        #expect(try CID(bytes: v0.bytes) == v0)
        #expect(v0.bytes.count == 34)
    }

    @Test(arguments: ["", "Qm123", "bafy!!", "xabc", "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2deve",
                      "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4aa"])
    func rejectsMalformed(text: String) {
        #expect(throws: IPLDError.self) { try CID(text) }
    }

    @Test func onlyDagPBHasAVersion0Form() {
        #expect(CID.sha256([1], codec: .raw).v0 == nil)
        #expect(CID.sha256([1], codec: .dagPB).v0?.version == .v0)
    }

    @Test func equalCIDsHashEqually() throws {
        let a = CID.sha256([1, 2], codec: .raw)
        let b = try CID(a.string)
        #expect(Set([a, b]).count == 1)
        #expect(Set([a, a.v1, CID.sha256([1, 2], codec: .dagPB)]).count == 2)
    }

    @Test func rejectsTrailingBytes() {
        let cid = CID.sha256([1], codec: .raw)
        #expect(throws: IPLDError.self) { try CID(bytes: cid.bytes + [0]) }
    }
}
