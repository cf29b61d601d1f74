import Foundation
import IPLD
import ShoalTesting
import Testing
@testable import Pipeline

@Suite struct PipelineSpecCanonicalTests {
    @Test(arguments: Fixtures.names(in: "normalized"))
    func normalizedFormMatchesTheExpectedFile(name: String) throws {
        let spec = try Fixtures.load("valid", name)
        #expect(try spec.canonicalYAML() == Fixtures.text("normalized", name))
    }

    /// Loading the canonical form gives back the same spec, and printing it again changes nothing.
    @Test(arguments: Fixtures.names(in: "valid"))
    func canonicalFormRoundTrips(name: String) throws {
        let spec = try Fixtures.load("valid", name)
        let yaml = try spec.canonicalYAML()
        let reloaded = try SpecLoader.load(
            text: yaml, file: "normalized-\(name)", baseDirectory: Fixtures.directory.appendingPathComponent("valid"))
        #expect(reloaded == spec)
        #expect(try reloaded.canonicalYAML() == yaml)
    }

    /// The JSON encoding is the canonical document too, and loads back as the same spec (JSON
    /// encoders do not keep key order, so maps are compared with their keys sorted).
    @Test(arguments: Fixtures.names(in: "valid"))
    func jsonEncodingRoundTrips(name: String) throws {
        let spec = try Fixtures.load("valid", name)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(spec), as: UTF8.self)
        let reloaded = try SpecLoader.load(
            text: json, file: "\(name).json", baseDirectory: Fixtures.directory.appendingPathComponent("valid"))
        #expect(Self.sorted(reloaded.canonicalDocument) == Self.sorted(spec.canonicalDocument))
    }

    static func sorted(_ value: SpecValue) -> SpecValue {
        switch value {
        case .list(let items): return .list(items.map(sorted))
        case .map(let map):
            var result = SpecMap()
            for key in map.keys.sorted() { result[key] = sorted(map[key]!) }
            return .map(result)
        default: return value
        }
    }

    @Test func defaultsAreLeftOut() throws {
        let explicit = """
            version: 1
            name: d
            tasks:
              - id: a
                run: [x]
                network: none
                locality: preferred
                cache: true
                retries: 0
                env: {}
                params: {}
                constraints: []
                resources: {}
            """
        let bare = "version: 1\nname: d\ntasks:\n  - id: a\n    run: [x]\n"
        let a = try SpecLoader.load(text: explicit, file: "a.yaml", baseDirectory: nil)
        let b = try SpecLoader.load(text: bare, file: "b.yaml", baseDirectory: nil)
        #expect(a == b)
        #expect(try a.canonicalYAML() == "version: 1\nname: d\ntasks:\n- id: a\n  run: [x]\n")
    }

    @Test func stringsThatLookLikeOtherTypesAreQuoted() throws {
        let spec = PipelineSpec(name: "q", tasks: [TaskSpec(
            id: "a", run: ["5", "true", "no", "", "null", "1.5", "a b", "{{params.x}}", "it's"],
            params: ["x": .string("2024-01-01"), "y": .float(1e-5), "z": .float(1e20), "w": .int(-3)])])
        let yaml = try spec.canonicalYAML()
        #expect(yaml.contains("run: ['5', 'true', 'no', '', 'null', '1.5', 'a b', '{{params.x}}', it's]"))
        #expect(yaml.contains("params: {x: '2024-01-01', y: 1.0e-05, z: 1.0e+20, w: -3}"))
        #expect(try SpecLoader.load(text: yaml, file: "q.yaml", baseDirectory: nil) == spec)
    }

    @Test func privateInputsKeepTheirMapForm() throws {
        let cid = CID.sha256([1], codec: .raw)
        let spec = PipelineSpec(name: "p", inputs: [PipelineInput(name: "s", source: .cid(cid), isPrivate: true)],
                                tasks: [TaskSpec(id: "a", run: ["x"])])
        guard case .map(let root) = spec.canonicalDocument, case .map(let inputs)? = root["inputs"] else {
            Issue.record("canonical document is not a map with inputs")
            return
        }
        #expect(inputs["s"] == .map(["cid": .string(cid.string), "private": .bool(true)]))
    }

    @Test func fractionalAndWholeCPUCounts() throws {
        #expect(Resources(cpu: 2).canonicalMap["cpu"] == .int(2))
        #expect(Resources(cpu: 0.5).canonicalMap["cpu"] == .float(0.5))
    }

    @Test func whitespaceIsFoundFromTheBytesAsCharactersFindIt() {
        // ASCII and non-ASCII spaces (no-break, ideographic, line separator), breaks and letters.
        let pieces = ["a", "-", "0", " ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{3000}",
                      "\u{2028}", "é", "\u{1F600}", "\u{200B}"]
        var random = SplitMix64(seed: 0x5BACE)
        for _ in 0..<3000 {
            let text = (0..<(random.next() % 5)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            #expect(SpecValue.containsWhitespace(text) == text.contains(where: \.isWhitespace), "\(text.debugDescription)")
        }
    }
}
