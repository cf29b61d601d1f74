import ShoalTesting
import Testing
@testable import IPLD

@Suite struct DagJSONTests {
    // MARK: Encoding

    @Test func writesCanonicalText() throws {
        let cid = try CID("bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4")
        let value: IPLDValue = [
            "zz": .null, "b": [true, false], "a": -5, "aaa": .bytes([1, 2, 3]), "link": .link(cid),
            "f": 2.0, "": "empty key",
        ]
        // Keys in plain byte order (not dag-cbor's length-first), no whitespace.
        #expect(try DagJSON.string(value) == #"{"":"empty key","a":-5,"aaa":{"/":{"bytes":"AQID"}},"b":[true,false],"#
            + #""f":2.0,"link":{"/":"bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"},"zz":null}"#)
    }

    @Test func writesCIDv0LinksInBase58() throws {
        let v0 = try CID("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o")
        #expect(try DagJSON.string(.link(v0)) == #"{"/":"QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"}"#)
    }

    /// Floats: shortest round-trip digits in JavaScript's layout, always with `.` or an exponent.
    static let floats: [(Double, String)] = [
        (1.0, "1.0"), (0.5, "0.5"), (-2.5, "-2.5"), (0.1, "0.1"), (100.0, "100.0"), (0.0, "0.0"), (-0.0, "-0.0"),
        (123_456_789.125, "123456789.125"), (9_007_199_254_740_992.0, "9007199254740992.0"),
        (1e20, "100000000000000000000.0"), (1.2345678901234568e20, "123456789012345680000.0"),
        (1e21, "1e+21"), (1.5e300, "1.5e+300"), (1.7976931348623157e308, "1.7976931348623157e+308"),
        (0.000001, "0.000001"), (1.5e-6, "0.0000015"), (1e-7, "1e-7"), (1.5e-7, "1.5e-7"),
        (8.940696716308594e-8, "8.940696716308594e-8"), (Double(bitPattern: 1), "5e-324"), (-Double(bitPattern: 2), "-1e-323"),
        (0.9999999999999999, "0.9999999999999999"), (82497.63712086187, "82497.63712086187"),
    ]

    @Test(arguments: floats)
    func formatsFloats(_ double: Double, _ text: String) throws {
        #expect(try DagJSON.string(.float(double)) == text)
        let decoded = try #require(try DagJSON.decode(text).float)
        #expect(decoded.bitPattern == double.bitPattern)
    }

    @Test func escapesStringsLikeJSONStringify() throws {
        let string = "q\"b\\s/\u{0}\u{8}\t\n\u{c}\r\u{1f}\u{7f}é😀\u{2028}"
        #expect(try DagJSON.string(.string(string)) == #""q\"b\\s/\u0000\b\t\n\f\r\u001f"# + "\u{7f}é😀\u{2028}\"")
        #expect(try DagJSON.decode(try DagJSON.encode(.string(string))) == .string(string))
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func encoderRefusesNonFiniteFloats(_ double: Double) {
        let error = #expect(throws: IPLDError.self) { try DagJSON.encode([.float(double)]) }
        #expect(error?.code == .nonFiniteFloat)
    }

    /// Maps that would read back as a link or bytes cannot be written (the spec's reserved namespace).
    @Test(arguments: [
        ["/": "not a cid"] as IPLDValue,
        ["/": "x", "z": 1],
        ["/": ["bytes": "AQID"]],
        ["/": ["bytes": "AQID", "z": 1]],
    ])
    func encoderRefusesReservedForms(_ value: IPLDValue) {
        let error = #expect(throws: IPLDError.self) { try DagJSON.encode(value) }
        #expect(error?.code == .reservedKey)
    }

    /// The spec's examples of maps using "/" that remain valid.
    static let slashMaps: [(IPLDValue, String)] = [
        (["/": true, "bar": "baz"], #"{"/":true,"bar":"baz"}"#),
        (["/": ["bytes": true], "bar": "baz"], #"{"/":{"bytes":true},"bar":"baz"}"#),
        (["/": ["abar": "baz", "bytes": "foo"]], #"{"/":{"abar":"baz","bytes":"foo"}}"#),
        (["!": "sorts before /", "/": "foo"], #"{"!":"sorts before /","/":"foo"}"#),
        (["/": 1], #"{"/":1}"#),
    ]

    @Test(arguments: slashMaps)
    func slashKeyOutsideTheReservedForms(_ value: IPLDValue, _ text: String) throws {
        #expect(try DagJSON.string(value) == text)
        #expect(try DagJSON.decode(text) == value)
    }

    // MARK: Decoding

    @Test func integersAndFloatsStayDistinct() throws {
        #expect(try DagJSON.decode("1") == .integer(1))
        #expect(try DagJSON.decode("-0") == .integer(0))
        #expect(try DagJSON.decode("1.0") == .float(1.0))
        #expect(try DagJSON.decode("1e0") == .float(1.0))
        #expect(try DagJSON.decode("-1E+2") == .float(-100.0))
        #expect(try DagJSON.decode("18446744073709551615") == .integer(.max))
        #expect(try DagJSON.decode("-18446744073709551616") == .integer(.min))
        #expect(try DagJSON.decode("1e-400") == .float(0.0))
    }

    @Test func acceptsWhitespaceAndAnyKeyOrder() throws {
        let text = " {\n\t\"b\" : [ 1 , 2 ] ,\r\n \"a\" : { } } \n"
        let value = try DagJSON.decode(text)
        #expect(value == ["a": [:], "b": [1, 2]])
        #expect(try DagJSON.string(value) == #"{"a":{},"b":[1,2]}"#)
    }

    @Test func resolvesEscapes() throws {
        #expect(try DagJSON.decode(#""\u00e9\ud83d\ude00\/\"\\\b\f\n\r\t""#) == .string("é😀/\"\\\u{8}\u{c}\n\r\t"))
        #expect(try DagJSON.decode(#"{"/":{"bytes":"A\/8"}}"#) == .bytes([0x03, 0xff]))
    }

    @Test func readsLinksAndBytes() throws {
        let cid = try CID("bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4")
        #expect(try DagJSON.decode(#"{ "/" : "\#(cid)" }"#) == .link(cid))
        // Other multibases are accepted on input; output is always base32.
        #expect(try DagJSON.decode(#"{"/":"\#(cid.string(base: .base58btc))"}"#) == .link(cid))
        #expect(try DagJSON.decode(#"{"/":{"bytes":""}}"#) == .bytes([]))
        #expect(try DagJSON.decode(#"{"/":{"bytes":"AQI"}}"#) == .bytes([1, 2]))
    }

    @Test(arguments: 0..<64)
    func randomValuesRoundTrip(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let value = IPLDValue.random(using: &rng, depth: 4)
        let text: [UInt8]
        do {
            text = try DagJSON.encode(value)
        } catch let error as IPLDError where error.code == .reservedKey {
            return  // a random map happened to start with a "/" string: not writable, tested above
        }
        let decoded = try DagJSON.decode(text)
        #expect(decoded == value)
        #expect(try DagJSON.encode(decoded) == text)
        #expect(try DagCBOR.decode(try DagCBOR.encode(decoded)) == value)
    }

    /// Corrupted documents either fail with an IPLDError or decode to something writable.
    @Test(arguments: 0..<32)
    func corruptedDocumentsFailCleanly(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed &+ 2000)
        guard let original = try? DagJSON.encode(IPLDValue.random(using: &rng, depth: 3)) else { return }
        let alphabet = Array(#"{}[]":,\/-0123456789.eE+tfnu"ab "#.utf8)
        for _ in 0..<50 {
            var bytes = original
            let byte = rng.next() & 1 == 0 ? alphabet[Int(rng.next() % UInt64(alphabet.count))] : UInt8(truncatingIfNeeded: rng.next())
            switch rng.next() % 3 {
            case 0: bytes[Int(rng.next() % UInt64(bytes.count))] = byte
            case 1: bytes.removeLast(Int(rng.next() % UInt64(bytes.count)))
            default: bytes.insert(byte, at: Int(rng.next() % UInt64(bytes.count + 1)))
            }
            do {
                let value = try DagJSON.decode(bytes)
                #expect(try DagJSON.decode(try DagJSON.encode(value)) == value)
            } catch is IPLDError {
                // rejected: fine
            }
        }
    }

    // MARK: Rejections

    struct Rejection: Sendable, CustomTestStringConvertible {
        let name: String
        let text: [UInt8]
        let code: IPLDError.Code
        let offset: Int
        init(_ name: String, _ text: String, _ code: IPLDError.Code, _ offset: Int) {
            self.init(name, Array(text.utf8), code, offset)
        }
        init(_ name: String, _ bytes: [UInt8], _ code: IPLDError.Code, _ offset: Int) {
            (self.name, self.text, self.code, self.offset) = (name, bytes, code, offset)
        }
        var testDescription: String { name }
    }

    static let cid = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"

    static let rejections: [Rejection] = [
        .init("duplicate key (codec-fixtures negative)", #"{"foo":1,"foo":2,"bar":3}"#, .duplicateMapKey, 9),
        .init("duplicate slash key", #"{"/":true,"/":false}"#, .duplicateMapKey, 10),
        .init("link with another key", #"{"/":"\#(cid)","bar":"baz"}"#, .reservedKey, 0),
        .init("bytes with another inner key", #"{"/":{"bytes":"AQID","bar":"baz"}}"#, .reservedKey, 5),
        .init("bytes with another outer key", #"{"/":{"bytes":"AQID"},"bar":"baz"}"#, .reservedKey, 0),
        .init("link hidden behind an earlier key", #"{"a":1,"/":"\#(cid)"}"#, .reservedKey, 0),
        .init("bytes hidden behind an earlier key", #"{"a":1,"/":{"bytes":"AQID"}}"#, .reservedKey, 0),
        .init("link to an invalid CID", #"{"/":"foo"}"#, .invalidDagJSON, 5),
        .init("bytes with padding", #"{"/":{"bytes":"AQI="}}"#, .invalidDagJSON, 14),
        .init("bytes with non-zero unused bits", #"{"/":{"bytes":"AQJ"}}"#, .invalidDagJSON, 14),
        .init("bytes in URL-safe base64", #"{"/":{"bytes":"A_8"}}"#, .invalidDagJSON, 14),
        .init("bytes of impossible length", #"{"/":{"bytes":"AQIDB"}}"#, .invalidDagJSON, 14),
        .init("float overflow", "[1e400]", .nonFiniteFloat, 1),
        .init("integer above 2^64-1", "18446744073709551616", .invalidDagJSON, 0),
        .init("integer below -2^64", "-18446744073709551617", .invalidDagJSON, 0),
        .init("NaN literal", "NaN", .invalidDagJSON, 0),
        .init("Infinity literal", "[Infinity]", .invalidDagJSON, 1),
        .init("leading zero", "01", .invalidDagJSON, 0),
        .init("leading plus", "+1", .invalidDagJSON, 0),
        .init("bare fraction", "1.", .invalidDagJSON, 2),
        .init("invalid UTF-8", [0x22, 0xff, 0x22], .invalidUTF8, 0),
        .init("overlong UTF-8", [0x22, 0xc0, 0x80, 0x22], .invalidUTF8, 0),
        .init("lone high surrogate", #""\ud800""#, .invalidUTF8, 1),
        .init("lone low surrogate", #""\udc00""#, .invalidUTF8, 1),
        .init("unescaped control character", "\"a\u{1}\"", .invalidDagJSON, 2),
        .init("invalid escape", #""\x""#, .invalidDagJSON, 1),
        .init("unterminated string", #""abc"#, .invalidDagJSON, 0),
        .init("trailing value", "1 2", .trailingBytes, 2),
        .init("trailing garbage", "{}x", .trailingBytes, 2),
        .init("trailing comma", "[1,]", .invalidDagJSON, 3),
        .init("missing colon", #"{"a" 1}"#, .invalidDagJSON, 5),
        .init("non-string key", "{1:2}", .invalidDagJSON, 1),
        .init("single quotes", "'a'", .invalidDagJSON, 0),
        .init("truncated literal", "tru", .invalidDagJSON, 0),
        .init("empty document", "  ", .invalidDagJSON, 2),
        .init("257 nested lists", String(repeating: "[", count: 257) + String(repeating: "]", count: 257),
              .nestingTooDeep, 256),
        .init("257 nested maps", String(repeating: #"{"a":"#, count: 257) + "1" + String(repeating: "}", count: 257),
              .nestingTooDeep, 1280),
    ]

    @Test(arguments: rejections)
    func rejectsInvalidDocuments(_ rejection: Rejection) throws {
        let error = try #require(throws: IPLDError.self) { try DagJSON.decode(rejection.text) }
        #expect(error.code == rejection.code, "\(error)")
        #expect(error.message.hasPrefix("dag-json offset \(rejection.offset) "), "\(error)")
        #expect(throws: IPLDError.self) { try BlockLinks.of(rejection.text, codec: .dagJSON) }
    }

    @Test func errorsNameLineAndColumn() throws {
        let error = try #require(throws: IPLDError.self) { try DagJSON.decode("{\n  \"a\": 1,\n  \"a\": 2\n}") }
        #expect(error.description == #"duplicate map key: dag-json offset 14 (line 3, column 3): map key "a" appears twice"#)
    }

    @Test func errorsStayOnOneLine() throws {
        let error = try #require(throws: IPLDError.self) { try DagJSON.decode(#"{"a\nb\"":1,"a\nb\"":2}"#) }
        #expect(!error.description.contains("\n"))
        #expect(error.description.hasSuffix(#"map key "a\u{a}b\"" appears twice"#))
        let link = try #require(throws: IPLDError.self) { try DagJSON.decode(#"{"/":"bad\ncid"}"#) }
        #expect(link.code == .invalidDagJSON)
        #expect(!link.description.contains("\n"))
    }

    // MARK: Links

    @Test func linksComeInDocumentOrder() throws {
        let a = CID.sha256([1], codec: .raw)
        let b = CID.sha256([2], codec: .raw)
        let text = #"{"z":{"/":"\#(a)"},"y":[{"/":"\#(b)"},{"/":{"bytes":"AA"}}]}"#
        #expect(try DagJSON.links(in: Array(text.utf8)) == [a, b])
        #expect(try BlockLinks.of(Array(text.utf8), codec: .dagJSON) == [a, b])
    }

    // MARK: Codable convenience

    @Test func encodesAndDecodesCodableValues() throws {
        struct Tagged: Codable, Equatable { var cid: CID; var data: [UInt8] }
        let tagged = Tagged(cid: CID.sha256([], codec: .raw), data: [0xde, 0xad])
        let text = try DagJSON.encode(tagged)
        #expect(String(decoding: text, as: UTF8.self)
            == #"{"cid":{"/":"bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"},"data":{"/":{"bytes":"3q0"}}}"#)
        #expect(try DagJSON.decode(Tagged.self, from: text) == tagged)
    }
}
