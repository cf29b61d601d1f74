import Foundation
import IPLD
import Testing
@testable import Provenance

/// Keeps `Specs/provenance.ipldsch` true: every struct in it has exactly the fields of its Swift
/// type, and a field is `optional` in the schema exactly when Swift leaves it out when absent.
struct ProvenanceSchemaTests {
    static let schemaURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Specs/provenance.ipldsch")

    /// One field of a schema struct.
    struct Field: Hashable {
        var name: String
        var optional: Bool
        var type: String
    }

    /// The structs of an IPLD schema file: `type Name struct { field [optional] Type }`.
    static func structs() throws -> [String: [Field]] {
        let text = try String(contentsOf: schemaURL, encoding: .utf8)
        var structs: [String: [Field]] = [:]
        var current: String?
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(separator: " ").map(String.init)
            if words.first == "type", words.count >= 3, words[2] == "struct" {
                current = words[1]
                structs[words[1]] = []
            } else if line == "}" {
                current = nil
            } else if let name = current {
                let optional = words.count > 2 && words[1] == "optional"
                structs[name]!.append(Field(name: words[0], optional: optional, type: words[optional ? 2 : 1]))
            }
        }
        return structs
    }

    /// The keys a value encodes to (its present fields).
    static func keys(_ value: some Encodable) throws -> Set<String> {
        Set(try IPLDEncoder().encode(value).map?.keys ?? [])
    }

    static func check<Keys: CodingKey & CaseIterable>(
        _ name: String, _ keys: Keys.Type, minimal: some Encodable, full: some Encodable
    ) throws {
        let fields = try #require(try structs()[name], "no struct \(name) in provenance.ipldsch")
        let codingKeys = keys.allCases.map(\.stringValue)
        #expect(fields.map(\.name).sorted() == codingKeys.sorted(), "\(name): schema fields vs CodingKeys")
        #expect(try Self.keys(full) == Set(codingKeys), "\(name): a full value writes every field")
        #expect(try Self.keys(minimal) == Set(fields.filter { !$0.optional }.map(\.name)),
                "\(name): required fields are exactly the non-optional schema fields")
    }

    @Test func recipeMatches() throws {
        var minimal = RecipeTests.recipe()
        minimal.tool = nil
        try Self.check("Recipe", Recipe.CodingKeys.self, minimal: minimal, full: RecipeTests.recipe())
    }

    @Test func stepMatches() throws {
        var minimal = StepTests.step()
        minimal.usage = nil
        var full = StepTests.step()
        full.cached = true
        full.original = StepTests.cid(9)
        full.reason = "timeout"
        try Self.check("Step", Step.CodingKeys.self, minimal: minimal, full: full)
    }

    @Test func resourceUsageMatches() throws {
        let usage = ResourceUsage(wallMs: 1, userCpuMs: 2, systemCpuMs: 3, maxRssBytes: 4)
        try Self.check("ResourceUsage", ResourceUsage.CodingKeys.self, minimal: usage, full: usage)
    }

    @Test func attestationMatches() throws {
        let attestation = try Attestation(signing: StepTests.cid(1), with: ProvenanceFixture.identity(seed: 7))
        try Self.check("Attestation", Attestation.CodingKeys.self, minimal: attestation, full: attestation)
    }

    @Test func linksAndKindsAgreeWithTheEncodedForm() throws {
        let structs = try Self.structs()
        #expect(structs.keys.sorted() == ["Attestation", "Recipe", "ResourceUsage", "Step"])
        // Spot-check that the schema's kinds are what the encoder writes.
        let step = try StepTests.step().block().decoded()
        for field in structs["Step"]! {
            guard let value = step[field.name] else { continue }
            switch field.type {
            case "String": #expect(value.kind == .string, "\(field.name)")
            case "Int": #expect(value.kind == .integer, "\(field.name)")
            case "Link", "&Recipe", "&Step": #expect(value.kind == .link, "\(field.name)")
            case "[&Step]": #expect(value.kind == .list, "\(field.name)")
            case "{String:Link}": #expect(value.map?.allSatisfy { $0.value.kind == .link } == true, "\(field.name)")
            case "ResourceUsage": #expect(value.kind == .map, "\(field.name)")
            default: Issue.record("unexpected schema type \(field.type) for Step.\(field.name)")
            }
        }
        let attestation = try Attestation(signing: StepTests.cid(1), with: ProvenanceFixture.identity(seed: 7)).block().decoded()
        #expect(structs["Attestation"]!.first { $0.name == "sig" }?.type == "Bytes")
        #expect(attestation["sig"]?.kind == .bytes)
    }
}
