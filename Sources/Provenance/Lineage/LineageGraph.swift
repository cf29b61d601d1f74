import IPLD

/// Where a CID came from: the data, steps and recipes reachable from it, and how they connect.
///
/// A lineage graph is a DAG, not a tree: a dataset read by two steps appears once, with two
/// edges into it. Nodes are listed in the order the walk (``Lineage/walk(from:source:index:maxDepth:)``)
/// first reached them, root first, and edges in the order they were found, so a graph and its
/// renderings are the same every time for the same blocks.
///
/// Edges point from a thing to what it was made from:
///
/// ```
/// data ──produced by──► step ──recipe──► recipe ──tool / input NAME──► data ──produced by──► …
///                         └──original──► step   (a cached step, to the step it reused)
/// ```
///
/// Render with ``rendered(as:)`` in ``LineageFormat/tree``, ``LineageFormat/json``,
/// ``LineageFormat/dot`` or ``LineageFormat/mermaid``.
public struct LineageGraph: Sendable, Hashable {
    /// Identifies a node: the same CID could in principle be both data and a step (a tool that
    /// reads provenance blocks), so the kind is part of the identity.
    public struct NodeID: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var kind: Node.Kind
        public var cid: CID

        public init(_ kind: Node.Kind, _ cid: CID) {
            self.kind = kind
            self.cid = cid
        }

        /// `data:bafy…`, `step:bafy…`, `recipe:bafy…`.
        public var description: String { "\(kind.rawValue):\(cid)" }

        public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.description < rhs.description }
    }

    /// One piece of data, step or recipe.
    public struct Node: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            /// A dataset, output, tool or log: anything a step read or wrote.
            case data
            /// A ``Step`` object.
            case step
            /// A ``Recipe`` object.
            case recipe
        }

        /// What the walk found at a node.
        public enum State: Sendable, Hashable {
            /// A step or recipe that was read, or data whose producing step was followed.
            case ok
            /// Data no step produced: an original input of the whole lineage.
            case raw
            /// Data whose producing step exists but was not followed, or a root step whose recipe
            /// was not followed (the depth limit).
            case unexplored
            /// A step or recipe block that is not available.
            case missing(String)
            /// A step or recipe block that does not hash to its CID or does not decode.
            case invalid(String)

            /// `ok`, `raw`, `unexplored`, `missing`, `invalid`.
            public var name: String {
                switch self {
                case .ok: "ok"
                case .raw: "raw"
                case .unexplored: "unexplored"
                case .missing: "missing"
                case .invalid: "invalid"
                }
            }

            /// The reason for `missing` and `invalid`.
            public var reason: String? {
                switch self {
                case .missing(let reason), .invalid(let reason): reason
                default: nil
                }
            }
        }

        public var id: NodeID
        public var state: State
        /// The decoded step, for a step node that was read.
        public var step: Step?
        /// The decoded recipe, for a recipe node that was read.
        public var recipe: Recipe?

        public init(id: NodeID, state: State, step: Step? = nil, recipe: Recipe? = nil) {
            self.id = id
            self.state = state
            self.step = step
            self.recipe = recipe
        }

        public var cid: CID { id.cid }
        public var kind: Kind { id.kind }
    }

    /// A named connection from a thing to what it was made from.
    public struct Edge: Sendable, Hashable {
        public enum Label: Sendable, Hashable, CustomStringConvertible {
            /// data → the step that produced it.
            case producedBy
            /// step → its recipe.
            case recipe
            /// recipe → its tool.
            case tool
            /// recipe → one of its inputs.
            case input(String)
            /// cached step → the step whose outputs it reused.
            case original

            /// `produced by`, `recipe`, `tool`, `input NAME`, `original`.
            public var description: String {
                switch self {
                case .producedBy: "produced by"
                case .recipe: "recipe"
                case .tool: "tool"
                case .input(let name): "input \(name)"
                case .original: "original"
                }
            }
        }

        public var from: NodeID
        public var to: NodeID
        public var label: Label

        public init(from: NodeID, to: NodeID, label: Label) {
            self.from = from
            self.to = to
            self.label = label
        }
    }

    /// The node the walk started from.
    public let root: NodeID
    /// Every node, in the order the walk first reached it (root first).
    public private(set) var nodes: [Node] = []
    /// Every edge, in the order the walk found it.
    public private(set) var edges: [Edge] = []
    /// The depth limit the walk used, if any.
    public let maxDepth: Int?

    private var positions: [NodeID: Int] = [:]
    private var outgoing: [NodeID: [Int]] = [:]

    /// An empty graph rooted at `root`; the walk adds nodes and edges.
    init(root: NodeID, maxDepth: Int?) {
        self.root = root
        self.maxDepth = maxDepth
    }

    // MARK: Building

    /// Adds a node (or updates one already present) and returns whether it was new.
    @discardableResult
    mutating func insert(_ node: Node) -> Bool {
        if let position = positions[node.id] {
            nodes[position] = node
            return false
        }
        positions[node.id] = nodes.count
        nodes.append(node)
        return true
    }

    mutating func connect(_ from: NodeID, _ to: NodeID, _ label: Edge.Label) {
        let edge = Edge(from: from, to: to, label: label)
        guard !(outgoing[from] ?? []).contains(where: { edges[$0] == edge }) else { return }
        outgoing[from, default: []].append(edges.count)
        edges.append(edge)
    }

    // MARK: Reading

    /// The node with this identity.
    public func node(_ id: NodeID) -> Node? {
        positions[id].map { nodes[$0] }
    }

    /// Whether the graph has this node.
    public func contains(_ id: NodeID) -> Bool { positions[id] != nil }

    /// The edges leaving a node, in the order they were found.
    public func edges(from id: NodeID) -> [Edge] {
        (outgoing[id] ?? []).map { edges[$0] }
    }

    /// The data nodes no step produced: the original inputs of everything in the graph.
    public var rawInputs: [CID] {
        nodes.filter { $0.state == .raw }.map(\.cid)
    }

    /// The nodes whose block was missing or invalid.
    public var problems: [Node] {
        nodes.filter { $0.state.reason != nil }
    }

    /// Every step that was read, with its recipe when that was read too, ordered so each step
    /// comes after the steps that produced its inputs: the order a re-run must follow.
    public var stepsInRunOrder: [(cid: CID, step: Step, recipe: Recipe?)] {
        var order: [(cid: CID, step: Step, recipe: Recipe?)] = []
        var seen = Set<NodeID>()
        // Iterative post-order over "made from" edges puts producers before their consumers;
        // a node is emitted when popped the second time, after everything it was made from.
        var stack: [(id: NodeID, expanded: Bool)] = nodes.reversed().map { ($0.id, false) }
        while let (id, expanded) = stack.popLast() {
            if expanded {
                if id.kind == .step, let step = node(id)?.step {
                    order.append((id.cid, step, node(NodeID(.recipe, step.recipe))?.recipe))
                }
                continue
            }
            guard seen.insert(id).inserted else { continue }
            stack.append((id, true))
            for edge in edges(from: id).reversed() where !seen.contains(edge.to) { stack.append((edge.to, false)) }
        }
        return order
    }
}
