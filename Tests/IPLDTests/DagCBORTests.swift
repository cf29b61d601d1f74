import ShoalTesting
import Testing
@testable import IPLD

@Suite struct DagCBORTests {
    // MARK: Known answers from the reference encoders

    /// dag-json documents and the dag-cbor CIDv1 that three independent encoders agree on
    /// (`kubo_ref.py dag-put-cbor FILE --json` in /work/shared/oracle: its own encoder,
    /// PyPI `dag-cbor` 0.3.3 and `libipld` 3.5.0). `-0.0` is left out because libipld writes it
    /// as `0.0`; ``negativeZeroKeepsItsSign()`` covers it.
    static let referenceVectors: [ReferenceVector] = [
        .init("recipe", "bafyreigcc2ttcv4ea3prvapdogdvyylbl4is7nysckqyrdgfmiowts4nta",
         #"{"type":"shoal.recipe/1","tool":{"/":"bafybeicg2rebjoofv4kbyovkw7af3rpiitvnl6i7ckcywaq6xjcxnc2mby"},"run":["python3","dedupe.py","--threshold","0.95"],"inputs":{"corpus":{"/":"QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"}},"params":{"threshold":0.95,"epochs":5},"env":{},"engine":"process","limits":{"cpu":1,"memory":536870912}}"#),
        .init("integers", "bafyreidgjqxh2ifmcpzqbbqccj62at4scprtc6e4oukgs5q6nhfvlx5bjq",
         #"[0,1,23,24,255,256,65535,65536,4294967295,4294967296,9223372036854775807,9223372036854775808,18446744073709551615,-1,-24,-25,-256,-257,-65536,-65537,-4294967296,-4294967297,-9223372036854775808,-9223372036854775809,-18446744073709551616]"#),
        .init("floats", "bafyreicefee5anvsbhv5tu4wzafvv7taddwsv7gorvv6xajkoepsinhxom",
         #"[0.5,1.0,0.0,1e300,5e-324,0.1,1.5e-7,123456789.125,-2.5,1e21,1.7976931348623157e308]"#),
        .init("keysort", "bafyreigxojm4l52becqwzeqlgw3fqswd4ee5qg2hynwamggaruzm65stoy",
         #"{"a":1,"b":2,"aa":3,"ab":4,"é":5,"z":6,"":7,"aaa":8,"B":9,"~":10}"#),
        // "300" holds SplitMix64.bytes(seed: 7, count: 300).
        .init("bytes", "bafyreihftugux2k6dxzdmrlibv6nigznffa5rotmbondwu4jdfhbpmam6y",
         #"{"0":{"/":{"bytes":""}},"1":{"/":{"bytes":"AA"}},"2":{"/":{"bytes":"AP8"}},"3":{"/":{"bytes":"AQID"}},"300":{"/":{"bytes":""#
            + Base64.encode(SplitMix64.bytes(seed: 7, count: 300)) + #""}}}"#),
        .init("links", "bafyreie52zhp2apbkp6zzy4l7xthv4up7pbm5fpx5fngsmesxf7enoevlm",
         #"[{"/":"bafkqabiaaebagba"},{"/":"bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"},{"/":"QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"},{"nested":{"/":"bafyreihdb57fdysx5h35urvxz64ros7zvywshber7id6t6c6fek37jgyfe"}}]"#),
        .init("strings", "bafyreifpbu57l2sftijmwwobauw6o6rar5ue4atal36qylkgjd5salthm4",
         #"["","a","tab\tnewline\nquote\"backslash\\","\u0000\u001f","Ä中😀",""#
            + String(repeating: "x", count: 23) + #"",""# + String(repeating: "y", count: 24) + #"",""#
            + String(repeating: "z", count: 256) + #""]"#),
        .init("nested", "bafyreif73pdtctke7tbgtdxops6zcmpptvcryxjsvyv6ujxr55w7dssd3a",
         #"{"l":[[[[[]]]],{"m":{"n":{"o":null}}}],"t":true,"f":false,"n":null}"#),
    ]

    struct ReferenceVector: Sendable, CustomTestStringConvertible {
        let name: String
        let cid: String
        let json: String
        init(_ name: String, _ cid: String, _ json: String) {
            (self.name, self.cid, self.json) = (name, cid, json)
        }
        var testDescription: String { name }
    }

    @Test(arguments: referenceVectors)
    func matchesReferenceEncoders(_ vector: ReferenceVector) throws {
        let value = try DagJSON.decode(vector.json)
        let bytes = try DagCBOR.encode(value)
        #expect(CID.sha256(bytes, codec: .dagCBOR).string == vector.cid)
        #expect(try DagCBOR.decode(bytes) == value)
        #expect(try Block(dagCBOR: value).cid.string == vector.cid)
    }

    @Test func bytesVectorHoldsTheGeneratedBytes() throws {
        let value = try DagJSON.decode(Self.referenceVectors[4].json)
        #expect(value["300"]?.bytes == SplitMix64.bytes(seed: 7, count: 300))
        #expect(value["2"]?.bytes == [0x00, 0xff])
    }

    /// The recipe vector built in Swift (no dag-json parsing involved) has the same CID.
    @Test func recipeBuiltDirectlyMatchesReference() throws {
        let recipe: IPLDValue = [
            "type": "shoal.recipe/1",
            "tool": .link(try CID("bafybeicg2rebjoofv4kbyovkw7af3rpiitvnl6i7ckcywaq6xjcxnc2mby")),
            "run": ["python3", "dedupe.py", "--threshold", "0.95"],
            "inputs": ["corpus": .link(try CID("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"))],
            "params": ["threshold": 0.95, "epochs": 5],
            "env": [:],
            "engine": "process",
            "limits": ["cpu": 1, "memory": 536_870_912],
        ]
        #expect(try Block(dagCBOR: recipe).cid.string == "bafyreigcc2ttcv4ea3prvapdogdvyylbl4is7nysckqyrdgfmiowts4nta")
    }

    // MARK: Exact encodings

    /// Small values and their canonical bytes (RFC 8949 Appendix A, restricted to dag-cbor).
    static let knownEncodings: [(IPLDValue, String)] = [
        (0, "00"), (23, "17"), (24, "1818"), (255, "18ff"), (256, "190100"), (65535, "19ffff"),
        (65536, "1a00010000"), (.integer(IPLDInteger(UInt64(4_294_967_295))), "1affffffff"),
        (.integer(IPLDInteger(UInt64(4_294_967_296))), "1b0000000100000000"),
        (.integer(.max), "1bffffffffffffffff"), (-1, "20"), (-24, "37"), (-25, "3818"), (-256, "38ff"),
        (-257, "390100"), (.integer(.min), "3bffffffffffffffff"),
        (1.5, "fb3ff8000000000000"), (1.0, "fb3ff0000000000000"), (0.0, "fb0000000000000000"),
        (true, "f5"), (false, "f4"), (.null, "f6"),
        ("", "60"), ("a", "6161"), ("IETF", "6449455446"), ("ü", "62c3bc"),
        (.bytes([]), "40"), (.bytes([1, 2, 3, 4]), "4401020304"),
        ([], "80"), ([1, [2, 3]], "8201820203"), ([:], "a0"),
        // Shorter keys first, then bytewise: "a" < "b" < "aa".
        (["aa": 3, "b": 2, "a": 1], "a3616101616202626161" + "03"),
        (.link(CID.sha256([], codec: .raw)),
         "d82a582500015512" + "20e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ]

    @Test(arguments: knownEncodings)
    func knownEncoding(_ value: IPLDValue, _ hex: String) throws {
        let bytes = try hexBytes(hex)
        #expect(try DagCBOR.encode(value) == bytes)
        #expect(try DagCBOR.decode(bytes) == value)
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let bytes = try DagCBOR.encode(.float(-0.0))
        #expect(bytes == (try hexBytes("fb8000000000000000")))
        let decoded = try #require(try DagCBOR.decode(bytes).float)
        #expect(decoded.sign == .minus)
    }

    @Test func cidV0LinkKeepsItsBinaryForm() throws {
        let v0 = try CID("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o")
        let bytes = try DagCBOR.encode(.link(v0))
        // tag 42, byte string of 35 = 0x00 + the 34-byte multihash
        #expect(Array(bytes.prefix(5)) == [0xd8, 0x2a, 0x58, 0x23, 0x00])
        #expect(try DagCBOR.decode(bytes).link == v0)
    }

    // MARK: Round trips

    @Test(arguments: 0..<64)
    func randomValuesRoundTrip(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let value = IPLDValue.random(using: &rng, depth: 4)
        let bytes = try DagCBOR.encode(value)
        let decoded = try DagCBOR.decode(bytes)
        #expect(decoded == value)
        #expect(try DagCBOR.encode(decoded) == bytes)
    }

    /// Strictness as a property: whatever the decoder accepts is exactly what the encoder writes,
    /// so a block has one CID. Corrupted blocks either fail with an IPLDError or still are canonical.
    @Test(arguments: 0..<32)
    func acceptedInputIsAlwaysCanonical(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed &+ 1000)
        let original = try DagCBOR.encode(IPLDValue.random(using: &rng, depth: 3))
        for _ in 0..<50 {
            var bytes = original
            switch rng.next() % 3 {
            case 0: bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next())
            case 1: bytes.removeLast(Int(rng.next() % UInt64(bytes.count)))
            default: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: Int(rng.next() % UInt64(bytes.count + 1)))
            }
            do {
                let value = try DagCBOR.decode(bytes)
                #expect(try DagCBOR.encode(value) == bytes)
            } catch is IPLDError {
                // rejected: fine
            }
        }
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let depth = DagCBOR.defaultMaxDepth
        let bytes = [UInt8](repeating: 0x81, count: depth - 1) + [0x80]
        let value = try DagCBOR.decode(bytes)
        #expect(try DagCBOR.encode(value) == bytes)
    }

    // MARK: Strict decoding: every non-canonical form has its own code and offset

    struct Rejection: Sendable, CustomTestStringConvertible {
        let name: String
        let hex: String
        let code: IPLDError.Code
        let offset: Int
        var testDescription: String { name }
    }

    static let rejections: [Rejection] = [
        // Non-shortest integers, lengths and tag.
        .init(name: "0 in one extra byte", hex: "1800", code: .nonShortestForm, offset: 0),
        .init(name: "23 in one extra byte", hex: "1817", code: .nonShortestForm, offset: 0),
        .init(name: "255 in two bytes", hex: "1900ff", code: .nonShortestForm, offset: 0),
        .init(name: "65535 in four bytes", hex: "1a0000ffff", code: .nonShortestForm, offset: 0),
        .init(name: "2^32-1 in eight bytes", hex: "1b00000000ffffffff", code: .nonShortestForm, offset: 0),
        .init(name: "-1 in one extra byte", hex: "3800", code: .nonShortestForm, offset: 0),
        .init(name: "string length in one extra byte", hex: "780161", code: .nonShortestForm, offset: 0),
        .init(name: "bytes length in one extra byte", hex: "580101", code: .nonShortestForm, offset: 0),
        .init(name: "list length in one extra byte", hex: "980100", code: .nonShortestForm, offset: 0),
        .init(name: "map length in one extra byte", hex: "b800", code: .nonShortestForm, offset: 0),
        .init(name: "nested non-shortest integer", hex: "8201190001", code: .nonShortestForm, offset: 2),
        .init(name: "tag 42 in two bytes",
              hex: "d9002a582500015512" + "20e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
              code: .nonShortestForm, offset: 0),
        .init(name: "CID length in two bytes",
              hex: "d82a59002500015512" + "20e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
              code: .nonShortestForm, offset: 2),
        // Indefinite lengths and break.
        .init(name: "indefinite bytes", hex: "5f4101ff", code: .indefiniteLength, offset: 0),
        .init(name: "indefinite string", hex: "7f6161ff", code: .indefiniteLength, offset: 0),
        .init(name: "indefinite list", hex: "9f01ff", code: .indefiniteLength, offset: 0),
        .init(name: "indefinite map", hex: "bf616101ff", code: .indefiniteLength, offset: 0),
        .init(name: "stray break", hex: "81ff", code: .indefiniteLength, offset: 1),
        // Map keys.
        .init(name: "keys out of byte order", hex: "a2616202616101", code: .unsortedMapKeys, offset: 4),
        .init(name: "longer key before shorter", hex: "a262616101616202", code: .unsortedMapKeys, offset: 5),
        .init(name: "duplicate key (codec-fixtures negative)", hex: "a3636261720363666f6f0163666f6f02",
              code: .duplicateMapKey, offset: 11),
        .init(name: "integer key", hex: "a10102", code: .nonStringMapKey, offset: 1),
        .init(name: "bytes key", hex: "a1416101", code: .nonStringMapKey, offset: 1),
        .init(name: "list key", hex: "a18001", code: .nonStringMapKey, offset: 1),
        // Tags other than 42.
        .init(name: "tag 0 (date string)", hex: "c06161", code: .unsupportedTag, offset: 0),
        .init(name: "tag 2 (bignum)", hex: "c24101", code: .unsupportedTag, offset: 0),
        .init(name: "tag 43", hex: "d82b4100", code: .unsupportedTag, offset: 0),
        // Floats.
        .init(name: "half-precision 1.0", hex: "f93c00", code: .nonDoubleFloat, offset: 0),
        .init(name: "single-precision 1.0", hex: "fa3f800000", code: .nonDoubleFloat, offset: 0),
        .init(name: "half-precision NaN", hex: "f97e00", code: .nonDoubleFloat, offset: 0),
        .init(name: "NaN", hex: "fb7ff8000000000000", code: .nonFiniteFloat, offset: 0),
        .init(name: "Infinity", hex: "fb7ff0000000000000", code: .nonFiniteFloat, offset: 0),
        .init(name: "-Infinity", hex: "fbfff0000000000000", code: .nonFiniteFloat, offset: 0),
        .init(name: "NaN with payload in a list", hex: "8201fb7ff0000000000001", code: .nonFiniteFloat, offset: 2),
        // Simple values.
        .init(name: "undefined", hex: "f7", code: .unsupportedSimpleValue, offset: 0),
        .init(name: "simple value 0", hex: "e0", code: .unsupportedSimpleValue, offset: 0),
        .init(name: "simple value 16", hex: "f0", code: .unsupportedSimpleValue, offset: 0),
        .init(name: "one-byte simple value 32", hex: "f820", code: .unsupportedSimpleValue, offset: 0),
        // UTF-8.
        .init(name: "invalid UTF-8 byte", hex: "61ff", code: .invalidUTF8, offset: 0),
        .init(name: "truncated UTF-8 sequence", hex: "62c328", code: .invalidUTF8, offset: 0),
        .init(name: "overlong UTF-8", hex: "62c080", code: .invalidUTF8, offset: 0),
        .init(name: "UTF-8 encoded surrogate", hex: "63eda080", code: .invalidUTF8, offset: 0),
        .init(name: "invalid UTF-8 map key", hex: "a161ff01", code: .invalidUTF8, offset: 1),
        // One top-level value only.
        .init(name: "two values", hex: "f6f6", code: .trailingBytes, offset: 1),
        .init(name: "trailing zero", hex: "0000", code: .trailingBytes, offset: 1),
        // Depth.
        .init(name: "257 nested lists", hex: String(repeating: "81", count: 256) + "80",
              code: .nestingTooDeep, offset: 256),
        // Malformed.
        .init(name: "empty block", hex: "", code: .invalidDagCBOR, offset: 0),
        .init(name: "truncated argument", hex: "1901", code: .invalidDagCBOR, offset: 0),
        .init(name: "truncated string", hex: "6261", code: .invalidDagCBOR, offset: 0),
        .init(name: "list count beyond input", hex: "9affffffff", code: .invalidDagCBOR, offset: 0),
        .init(name: "map count beyond input", hex: "bbffffffffffffffff", code: .invalidDagCBOR, offset: 0),
        .init(name: "reserved additional info", hex: "1c", code: .invalidDagCBOR, offset: 0),
        .init(name: "indefinite integer", hex: "1f", code: .invalidDagCBOR, offset: 0),
        .init(name: "reserved simple byte", hex: "fc", code: .invalidDagCBOR, offset: 0),
        .init(name: "link without 0x00 prefix",
              hex: "d82a5824015512" + "20e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
              code: .invalidDagCBOR, offset: 2),
        .init(name: "tag 42 around a string", hex: "d82a6161", code: .invalidDagCBOR, offset: 2),
        .init(name: "tag 42 around garbage CID", hex: "d82a43000102", code: .invalidDagCBOR, offset: 2),
    ]

    @Test(arguments: rejections)
    func rejectsNonCanonical(_ rejection: Rejection) throws {
        let bytes = try hexBytes(rejection.hex)
        let error = try #require(throws: IPLDError.self) { try DagCBOR.decode(bytes) }
        #expect(error.code == rejection.code, "\(error)")
        #expect(error.message.hasPrefix("dag-cbor offset \(rejection.offset):"), "\(error)")
        // BlockLinks reads the same way.
        #expect(throws: IPLDError.self) { try BlockLinks.of(bytes, codec: .dagCBOR) }
    }

    @Test func errorMessagesAreOneClearLine() throws {
        let error = try #require(throws: IPLDError.self) { try DagCBOR.decode(try hexBytes("a2616202616101")) }
        #expect(error.description == #"unsorted map keys: dag-cbor offset 4: map key "a" sorts before the previous key "b" (dag-cbor orders keys by length, then bytewise)"#)
    }

    // MARK: Encoding limits

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func encoderRefusesNonFiniteFloats(_ double: Double) {
        let error = #expect(throws: IPLDError.self) { try DagCBOR.encode(["x": [.float(double)]]) }
        #expect(error?.code == .nonFiniteFloat)
    }

    @Test func encoderRefusesTooDeepNesting() {
        var value: IPLDValue = []
        for _ in 0..<DagCBOR.defaultMaxDepth { value = [value] }
        let error = #expect(throws: IPLDError.self) { try DagCBOR.encode(value) }
        #expect(error?.code == .nestingTooDeep)
    }

    // MARK: Links

    @Test func linksComeInDocumentOrder() throws {
        let first = CID.sha256([1], codec: .raw)
        let second = CID.sha256([2], codec: .raw)
        let third = CID.sha256([3], codec: .dagCBOR)
        // dag-cbor writes "c" before "bb" (shorter first), so "c"'s link is stored first.
        let value: IPLDValue = ["bb": [.link(second), .link(third)], "c": .link(first)]
        let bytes = try DagCBOR.encode(value)
        #expect(try DagCBOR.links(in: bytes) == [first, second, third])
        #expect(try BlockLinks.of(bytes, codec: .dagCBOR) == [first, second, third])
    }

    // MARK: Codable convenience

    @Test func encodesAndDecodesCodableValues() throws {
        struct Point: Codable, Equatable { var x: Int; var y: Int }
        let bytes = try DagCBOR.encode(Point(x: 1, y: -2))
        #expect(bytes == (try hexBytes("a2617801617921")))
        #expect(try DagCBOR.decode(Point.self, from: bytes) == Point(x: 1, y: -2))
    }
}
