#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing
@testable import IPLD

/// The provenance objects of DESIGN.md §4, as the Provenance module will declare them.
struct Recipe: Codable, Equatable {
    var type = "shoal.recipe/1"
    var tool: CID
    var run: [String]
    var inputs: [String: CID]
    var params: IPLDMap
    var env: [String: String]
    var engine: String
    var limits: [String: Int]
}

struct Step: Codable, Equatable {
    var type = "shoal.step/1"
    var recipe: CID
    var outputs: [String: CID]
    var stdout: CID?
    var stderr: CID?
    var exitCode: Int
    var node: String
    var job: String
    var task: String
    var started: String
    var finished: String
    var parents: [CID]
}

struct Attestation: Codable, Equatable {
    var type = "shoal.attestation/1"
    var step: CID
    var signer: String
    var sig: IPLDBytes
}

@Suite struct IPLDEncoderTests {
    static let recipe = Recipe(
        tool: try! CID("bafybeicg2rebjoofv4kbyovkw7af3rpiitvnl6i7ckcywaq6xjcxnc2mby"),
        run: ["python3", "dedupe.py", "--threshold", "0.95"],
        inputs: ["corpus": try! CID("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o")],
        params: ["threshold": 0.95, "epochs": 5],
        env: [:],
        engine: "process",
        limits: ["cpu": 1, "memory": 536_870_912])

    /// The same recipe as DagCBORTests' "recipe" reference vector, so the same CID.
    @Test func recipeMatchesReferenceCID() throws {
        let block = try Block(encoding: Self.recipe)
        #expect(block.cid.string == "bafyreigcc2ttcv4ea3prvapdogdvyylbl4is7nysckqyrdgfmiowts4nta")
        #expect(try block.decode(Recipe.self) == Self.recipe)
        let value = try IPLDEncoder().encode(Self.recipe)
        #expect(value["tool"]?.link == Self.recipe.tool)          // a link, not a string
        #expect(value["inputs"]?["corpus"]?.link?.version == .v0)
    }

    @Test func nilOptionalsAreOmitted() throws {
        let step = Step(recipe: CID.sha256([1], codec: .dagCBOR), outputs: ["model": CID.sha256([2], codec: .raw)],
                        stdout: CID.sha256([3], codec: .raw), stderr: nil, exitCode: 0, node: "did:key:z6Mk",
                        job: "j1", task: "train", started: "2025-01-01T00:00:00Z", finished: "2025-01-01T00:01:00Z",
                        parents: [])
        let value = try IPLDEncoder().encode(step)
        #expect(value["stderr"] == nil)
        #expect(value["stdout"]?.link == step.stdout)
        #expect(value["parents"] == [])
        #expect(value.map?.count == 11)
        #expect(try IPLDDecoder().decode(Step.self, from: value) == step)
        #expect(try DagCBOR.decode(Step.self, from: DagCBOR.encode(step)) == step)
        #expect(try DagJSON.decode(Step.self, from: DagJSON.encode(step)) == step)
    }

    @Test func bytesTypesBecomeBytes() throws {
        struct Blobs: Codable, Equatable {
            var array: [UInt8]
            var data: Data
            var wrapped: IPLDBytes
            var numbers: [Int]
        }
        let blobs = Blobs(array: [1, 2], data: Data([3, 4]), wrapped: [5, 6], numbers: [7, 8])
        let value = try IPLDEncoder().encode(blobs)
        #expect(value == ["array": .bytes([1, 2]), "data": .bytes([3, 4]), "wrapped": .bytes([5, 6]), "numbers": [7, 8]])
        #expect(try IPLDDecoder().decode(Blobs.self, from: value) == blobs)

        let attestation = Attestation(step: CID.sha256([9], codec: .dagCBOR), signer: "did:key:z6Mk", sig: IPLDBytes([0xab]))
        let encoded = try DagJSON.encode(attestation)
        #expect(String(decoding: encoded, as: UTF8.self).contains(#""sig":{"/":{"bytes":"qw"}}"#))
        #expect(try DagJSON.decode(Attestation.self, from: encoded) == attestation)
    }

    @Test func everyIntegerTypeRoundTrips() throws {
        struct Integers: Codable, Equatable {
            var i: Int, i8: Int8, i16: Int16, i32: Int32, i64: Int64
            var u: UInt, u8: UInt8, u16: UInt16, u32: UInt32, u64: UInt64
        }
        let values = Integers(i: -1, i8: .min, i16: .min, i32: .min, i64: .min,
                              u: 1, u8: .max, u16: .max, u32: .max, u64: .max)
        let value = try IPLDEncoder().encode(values)
        #expect(value["u64"] == .integer(.max))
        #expect(value["i64"]?.integer == IPLDInteger(Int64.min))
        #expect(try DagCBOR.decode(Integers.self, from: DagCBOR.encode(values)) == values)
    }

    @Test func nestedContainersEnumsAndDictionaries() throws {
        enum Status: String, Codable { case done, failed }
        enum Engine: Codable, Equatable { case process(command: [String]), wasm(module: CID) }
        struct Job: Codable, Equatable {
            var status: Status
            var engines: [Engine]
            var byNumber: [Int: String]
            var optionalLinks: [CID?]
            var nested: [[String: [Double]]]
        }
        let job = Job(status: .done,
                      engines: [.process(command: ["sh"]), .wasm(module: CID.sha256([1], codec: .raw))],
                      byNumber: [2: "two", 10: "ten"], optionalLinks: [nil, CID.sha256([2], codec: .raw)],
                      nested: [["a": [1.5, -2.0]], [:]])
        let value = try IPLDEncoder().encode(job)
        #expect(value["status"] == "done")
        #expect(value["engines"]?[0] == ["process": ["command": ["sh"]]])
        #expect(value["engines"]?[1]?["wasm"]?["module"]?.link != nil)
        #expect(value["byNumber"] == ["10": "ten", "2": "two"])
        #expect(value["optionalLinks"]?[0] == .null)
        #expect(value["nested"]?[0]?["a"] == [.float(1.5), .float(-2.0)])
        #expect(try DagCBOR.decode(Job.self, from: DagCBOR.encode(job)) == job)
    }

    @Test func ipldValuesPassThrough() throws {
        struct Holder: Codable, Equatable { var any: IPLDValue; var map: IPLDMap; var int: IPLDInteger }
        let holder = Holder(any: ["x": .bytes([1]), "l": .link(CID.sha256([], codec: .raw))], map: ["k": 1.0],
                            int: .min)
        let value = try IPLDEncoder().encode(holder)
        #expect(value["any"] == holder.any)
        #expect(value["int"] == .integer(.min))
        #expect(try IPLDDecoder().decode(Holder.self, from: value) == holder)
    }

    @Test func topLevelScalarsAndLists() throws {
        #expect(try IPLDEncoder().encode(5) == 5)
        #expect(try IPLDEncoder().encode("x") == "x")
        #expect(try IPLDEncoder().encode([1.5]) == [1.5])
        #expect(try IPLDEncoder().encode(Optional<Int>.none) == .null)
        #expect(try IPLDEncoder().encode(CID.sha256([], codec: .raw)) == .link(CID.sha256([], codec: .raw)))
        #expect(try IPLDEncoder().encode(Float(0.5)) == .float(0.5))
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func refusesNonFiniteFloatsWithPath(_ double: Double) throws {
        struct Params: Codable { var weights: [Double] }
        let error = try #require(throws: IPLDError.self) { try IPLDEncoder().encode(Params(weights: [1, double])) }
        #expect(error.code == .unsupportedValue)
        #expect(error.message.hasPrefix("at weights[1]: "), "\(error)")
    }

    /// Hand-written `encode(to:)`: nested containers filled after creation, and `superEncoder`.
    @Test func handWrittenEncodeImplementations() throws {
        final class Derived: Encodable {
            enum Keys: String, CodingKey { case own, child }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                var child = container.nestedContainer(keyedBy: Keys.self, forKey: .child)
                var list = container.nestedUnkeyedContainer(forKey: .own)
                try list.encode(1)
                try child.encode("late", forKey: .own)
                try list.encodeNil()
                var base = container.superEncoder().singleValueContainer()
                try base.encode(true)
            }
        }
        #expect(try IPLDEncoder().encode(Derived()) == ["child": ["own": "late"], "own": [1, .null], "super": true])
    }

    /// IPLD values inside Foundation's JSON take dag-json's shapes and read back.
    @Test func ipldValueWithGenericCoders() throws {
        let cid = CID.sha256([], codec: .raw)
        let value: IPLDValue = ["link": .link(cid), "bytes": .bytes([1, 2, 3]), "n": -3, "f": 0.25, "s": "x",
                                "l": [true, .null]]
        let json = try JSONEncoder().encode(value)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""bytes":{"\/":{"bytes":"AQID"}}"#) || text.contains(#""bytes":{"/":{"bytes":"AQID"}}"#))
        #expect(try JSONDecoder().decode(IPLDValue.self, from: json) == value)
    }
}
