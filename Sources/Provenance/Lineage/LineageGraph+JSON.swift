import Foundation
import IPLD

extension LineageGraph {
    /// The `--format json` document: the root, every node and every edge.
    ///
    /// ```json
    /// { "root": "data:bafy…",
    ///   "nodes": [ { "id": "step:bafy…", "kind": "step", "cid": "bafy…", "state": "ok",
    ///                "task": "train", "job": "run-1", "exitCode": 0, … } ],
    ///   "edges": [ { "from": "data:bafy…", "to": "step:bafy…", "label": "produced by" } ] }
    /// ```
    ///
    /// Node ids are `kind:cid`. Step fields (`task`, `job`, `node`, `exitCode`, `started`,
    /// `finished`, `cached`, `reason`) appear on step nodes that were read, recipe fields (`run`,
    /// `engine`) on recipe nodes; `reason` on a missing or invalid node says what was wrong.
    public struct Document: Codable, Sendable, Hashable {
        public struct Node: Codable, Sendable, Hashable {
            public var id: String
            public var kind: String
            public var cid: String
            public var state: String
            public var reason: String?
            public var task: String?
            public var job: String?
            public var node: String?
            public var exitCode: Int?
            public var started: String?
            public var finished: String?
            public var cached: Bool?
            public var run: [String]?
            public var engine: String?
        }

        public struct Edge: Codable, Sendable, Hashable {
            public var from: String
            public var to: String
            public var label: String
        }

        public var root: String
        public var maxDepth: Int?
        public var nodes: [Node]
        public var edges: [Edge]
        /// The CIDs of the raw inputs reached.
        public var rawInputs: [String]
    }

    /// The graph as a ``Document`` (what `--json` prints; encode it with any JSON encoder).
    public var document: Document {
        let nodes = self.nodes.map { node in
            Document.Node(
                id: node.id.description, kind: node.kind.rawValue, cid: node.cid.string, state: node.state.name,
                reason: node.state.reason ?? node.step?.reason, task: node.step?.task, job: node.step?.job,
                node: node.step?.node, exitCode: node.step?.exitCode, started: node.step?.started,
                finished: node.step?.finished, cached: node.step?.cached, run: node.recipe?.run,
                engine: node.recipe?.engine)
        }
        let edges = self.edges.map {
            Document.Edge(from: $0.from.description, to: $0.to.description, label: $0.label.description)
        }
        return Document(root: root.description, maxDepth: maxDepth, nodes: nodes, edges: edges,
                        rawInputs: rawInputs.map(\.string))
    }

    /// The ``document`` as pretty-printed JSON with sorted keys.
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, integers and booleans cannot fail.
        let data = try! encoder.encode(document)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
