import Foundation
import IPLD
import Testing
@testable import Provenance

/// The renderers against exact snapshots of a small graph (`Snapshots/lineage.*`): `train` reads
/// the output of `prep` and, again, prep's own raw input, so `corpus` is shared.
///
/// ```
/// corpus ─► prep ─► clean ─┐
///    └─────────────────────┴─► train (tool) ─► model
/// ```
///
/// The fixture is deterministic (SplitMix64 data, fixed times and key), so the CIDs are stable.
/// The DOT snapshot was checked with Graphviz (`dot -Tsvg`).
struct LineageGraphRenderingTests {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    static func graph(maxDepth: Int? = nil) throws -> (LineageGraph, ProvenanceFixture) {
        let fixture = ProvenanceFixture()
        let corpus = fixture.data(seed: 1)
        let tool = fixture.data(seed: 2)
        let prep = try fixture.record(task: "prep", inputs: ["corpus": corpus], outputs: ["clean"], seed: 10)
        let train = try fixture.record(task: "train", tool: tool, inputs: ["data": prep.outputs["clean"]!, "raw": corpus],
                                       outputs: ["model"], seed: 20)
        let graph = try Lineage.walk(from: train.outputs["model"]!, source: fixture.store, index: fixture.index,
                                     maxDepth: maxDepth)
        return (graph, fixture)
    }

    /// Set `SHOAL_UPDATE_SNAPSHOTS=1` to rewrite the snapshots after a deliberate change (then
    /// review the diff: only what the change explains may differ).
    @Test(arguments: LineageFormat.allCases)
    func matchesItsSnapshot(_ format: LineageFormat) throws {
        let file = Self.snapshots.appendingPathComponent("lineage.\(format.rawValue)")
        let actual = try Self.graph().0.rendered(as: format)
        if ProcessInfo.processInfo.environment["SHOAL_UPDATE_SNAPSHOTS"] == "1" {
            try actual.write(to: file, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(actual == expected)
    }

    @Test func treePrintsASharedSubtreeOnceThenRefersToIt() throws {
        let tree = try Self.graph().0.treeText
        let corpusLines = tree.split(separator: "\n").filter { $0.contains("bafkreie26bjanh5vcbpyrnkw2nw4akahgzmpcx3zh7nqspvjcm6wyzxwfq") }
        #expect(corpusLines.count == 2)
        #expect(corpusLines[0].hasSuffix("(raw)"))
        #expect(corpusLines[1].hasSuffix("(raw, see above)"))
    }

    @Test func jsonDecodesToTheSameGraph() throws {
        let graph = try Self.graph().0
        let document = try JSONDecoder().decode(LineageGraph.Document.self, from: Data(graph.jsonText.utf8))
        #expect(document == graph.document)
        #expect(document.nodes.map(\.id) == graph.nodes.map(\.id.description))
        #expect(document.edges.count == graph.edges.count)
    }

    @Test func limitsAndProblemsAreVisibleInEveryFormat() throws {
        let (graph, _) = try Self.graph(maxDepth: 1)
        let clean = try #require(graph.nodes.first { $0.state == .unexplored })
        #expect(graph.treeText.contains("input data: data \(clean.cid) (not followed: depth limit)"))
        #expect(graph.dotText.contains("style=dotted"))
        #expect(graph.mermaidText.contains("classDef unexplored"))
        #expect(graph.jsonText.contains("\"maxDepth\" : 1"))
        #expect(graph.jsonText.contains("\"state\" : \"unexplored\""))

        let (full, fixture) = try Self.graph()
        let step = try #require(full.nodes.first { $0.kind == .step && $0.step?.task == "prep" })
        fixture.store.remove(step.cid)
        let broken = try Lineage.walk(from: full.root.cid, source: fixture.store, index: fixture.index)
        #expect(broken.treeText.contains("produced by: step \(step.cid) (missing: block not found)"))
        #expect(broken.dotText.contains("style=dashed, color=red"))
        #expect(broken.mermaidText.contains("classDef problem"))
        #expect(broken.jsonText.contains("\"reason\" : \"block not found\""))
    }

    @Test func labelsAreEscapedForEachSyntax() {
        #expect(LineageGraph.dotEscaped(#"say "hi" \ now"#) == #"say \"hi\" \\ now"#)
        #expect(LineageGraph.mermaidEscaped(#"a "b" <c> #d"#) == "a #quot;b#quot; #lt;c#gt; #35;d")
        #expect(LineageGraph.shellQuoted("plain-arg") == "plain-arg")
        #expect(LineageGraph.shellQuoted("two words") == "'two words'")
        #expect(LineageGraph.shellQuoted("it's") == #"'it'\''s'"#)
        #expect(LineageGraph.shellQuoted("") == "''")
    }
}
