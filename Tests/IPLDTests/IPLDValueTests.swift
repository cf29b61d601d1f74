import ShoalTesting
import Testing
@testable import IPLD

@Suite struct IPLDValueTests {
    @Test func accessorsReturnOnlyTheirKind() throws {
        let cid = CID.sha256([1], codec: .raw)
        let value: IPLDValue = [
            "b": true, "i": 7, "f": 1.5, "s": "text", "y": .bytes([9]), "l": [1, 2], "m": ["k": .null],
            "c": .link(cid), "n": .null,
        ]
        #expect(value["b"]?.bool == true)
        #expect(value["i"]?.int == 7)
        #expect(value["i"]?.integer == 7)
        #expect(value["i"]?.float == nil)
        #expect(value["f"]?.float == 1.5)
        #expect(value["f"]?.int == nil)
        #expect(value["s"]?.string == "text")
        #expect(value["y"]?.bytes == [9])
        #expect(value["l"]?[1] == 2)
        #expect(value["l"]?[2] == nil)
        #expect(value["m"]?["k"]?.isNull == true)
        #expect(value["c"]?.link == cid)
        #expect(value["n"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(value["s"]?["x"] == nil)
        #expect(value.kind == .map)
        #expect(value["l"]?.kind == .list)
    }

    @Test func equalityFollowsTheEncodedForm() {
        // Canonically equivalent strings are different IPLD strings (different UTF-8 bytes).
        let composed = "\u{e9}"
        let decomposed = "e\u{301}"
        #expect(composed == decomposed)                       // Swift says equal …
        #expect(IPLDValue.string(composed) != .string(decomposed))  // … IPLD does not.
        #expect(IPLDValue.float(0.0) != .float(-0.0))
        #expect(IPLDValue.integer(1) != .float(1.0))
        #expect(Set<IPLDValue>([.string(composed), .string(decomposed)]).count == 2)
        #expect(IPLDValue.float(.nan) == .float(.nan))   // same bit pattern
    }

    @Test func linksAreCollectedDepthFirst() {
        let a = CID.sha256([1], codec: .raw)
        let b = CID.sha256([2], codec: .raw)
        let c = CID.sha256([3], codec: .raw)
        let value: IPLDValue = ["x": [.link(a), ["y": .link(b)]], "z": .link(c), "n": 1]
        #expect(value.links == [a, b, c])
        #expect(IPLDValue.string("no links").links.isEmpty)
    }

    @Test func descriptionIsDagJSON() throws {
        let value: IPLDValue = ["b": .bytes([1, 2, 3]), "a": 1.0]
        #expect(value.description == #"{"a":1.0,"b":{"/":{"bytes":"AQID"}}}"#)
        #expect(IPLDValue.float(.nan).description.contains("not representable in dag-json"))
    }
}

extension IPLDValue {
    /// A pseudo-random value of every kind (test fixture), at most `depth` lists/maps deep.
    static func random(using rng: inout SplitMix64, depth: Int) -> IPLDValue {
        let kinds = depth > 0 ? 11 : 9
        switch rng.next() % UInt64(kinds) {
        case 0: return .null
        case 1: return .bool(rng.next() & 1 == 1)
        case 2: return .integer(IPLDInteger(isNegative: rng.next() & 1 == 1, cborArgument: randomArgument(&rng)))
        case 3:
            // Any finite double, including subnormals and -0.0.
            var double: Double
            repeat { double = Double(bitPattern: rng.next()) } while !double.isFinite
            return .float(double)
        case 4: return .string(randomString(&rng))
        case 5: return .bytes(rng.bytes(Int(rng.next() % 40)))
        case 6: return .link(CID.sha256(rng.bytes(4), codec: rng.next() & 1 == 1 ? .raw : .dagCBOR))
        case 7: return .link(CID.sha256(rng.bytes(4), codec: .dagPB, version: .v0))
        case 8: return .integer(IPLDInteger(Int(truncatingIfNeeded: rng.next()) % 1000))
        case 9:
            return .list((0..<Int(rng.next() % 5)).map { _ in random(using: &rng, depth: depth - 1) })
        default:
            let count = Int(rng.next() % 6)
            return .map(IPLDMap((0..<count).map { _ in (randomString(&rng), random(using: &rng, depth: depth - 1)) }))
        }
    }

    /// Arguments near every CBOR size boundary.
    private static func randomArgument(_ rng: inout SplitMix64) -> UInt64 {
        let boundaries: [UInt64] = [0, 23, 24, 0xff, 0x100, 0xffff, 0x1_0000, 0xffff_ffff, 0x1_0000_0000, .max]
        let base = boundaries[Int(rng.next() % UInt64(boundaries.count))]
        return rng.next() & 1 == 1 ? base : rng.next() >> (rng.next() % 64)
    }

    /// Short strings mixing ASCII, escapes, the reserved "/" and multi-byte characters.
    static func randomString(_ rng: inout SplitMix64) -> String {
        let pieces = ["a", "b", "Z", "/", "bytes", "\"", "\\", "\n", "\u{0}", "\u{1f}", "é", "e\u{301}", "中", "😀", " "]
        return (0..<Int(rng.next() % 5)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
    }
}
