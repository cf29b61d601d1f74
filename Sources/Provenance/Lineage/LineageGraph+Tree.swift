import IPLD

/// The output formats of `shoal lineage --format`.
public enum LineageFormat: String, Sendable, Hashable, CaseIterable {
    /// Indented text for people; shared subtrees are printed once, then referred to.
    case tree
    /// One JSON document with every node and edge, for scripts.
    case json
    /// Graphviz DOT (`dot -Tsvg`).
    case dot
    /// A Mermaid flowchart (renders in Markdown on most forges).
    case mermaid
}

extension LineageGraph {
    /// The graph in `format`, ending with a newline.
    public func rendered(as format: LineageFormat) -> String {
        switch format {
        case .tree: treeText
        case .json: jsonText
        case .dot: dotText
        case .mermaid: mermaidText
        }
    }

    /// The graph as an indented tree from the root, following edges in order.
    ///
    /// ```
    /// data bafy…model
    /// └── produced by: step bafy…train (task train, job run-1, exit 0)
    ///     └── recipe: recipe bafy…r2 (run: python3 train.py --epochs 5)
    ///         ├── tool: data bafy…tool (raw)
    ///         └── input data: data bafy…clean
    ///             └── produced by: step bafy…dedupe (task dedupe, job run-1, exit 0)
    /// ```
    ///
    /// A node reached a second time is printed with `see above` and not expanded again, so a
    /// diamond stays the size of the graph rather than doubling at every join.
    public var treeText: String {
        var lines: [String] = []
        var printed = Set<NodeID>()
        // Iterative depth-first walk: (node, edge label that led here, prefix for this line,
        // prefix for its children).
        var stack: [(id: NodeID, label: Edge.Label?, head: String, tail: String)] = [(root, nil, "", "")]
        while let (id, label, head, tail) = stack.popLast() {
            let repeated = !printed.insert(id).inserted
            let title = label.map { "\($0): " } ?? ""
            lines.append(head + title + summary(of: id, repeated: repeated))
            guard !repeated else { continue }
            let children = edges(from: id)
            for (offset, edge) in children.enumerated().reversed() {
                let last = offset == children.count - 1
                stack.append((edge.to, edge.label, tail + (last ? "└── " : "├── "), tail + (last ? "    " : "│   ")))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `kind cid (notes)` for one tree line.
    func summary(of id: NodeID, repeated: Bool) -> String {
        var notes = self.notes(for: id)
        if repeated { notes.append("see above") }
        let text = "\(id.kind.rawValue) \(id.cid)"
        return notes.isEmpty ? text : text + " (" + notes.joined(separator: ", ") + ")"
    }

    /// Short facts about a node, for the tree and diagram labels.
    func notes(for id: NodeID) -> [String] {
        guard let node = node(id) else { return ["not reached"] }
        var notes: [String] = []
        if let step = node.step {
            notes.append("task \(step.task)")
            notes.append("job \(step.job)")
            notes.append("exit \(step.exitCode)")
            if let reason = step.reason { notes.append(reason) }
            if step.isCached { notes.append("cached") }
        }
        if let recipe = node.recipe {
            notes.append("run: " + recipe.run.map(Self.shellQuoted).joined(separator: " "))
        }
        switch node.state {
        case .ok: break
        case .raw: notes.append("raw")
        case .unexplored: notes.append("not followed: depth limit")
        case .missing(let reason): notes.append("missing: \(reason)")
        case .invalid(let reason): notes.append("invalid: \(reason)")
        }
        return notes
    }

    /// An argument as a shell would need it written, so arguments with spaces stay one.
    static func shellQuoted(_ argument: String) -> String {
        let plain = !argument.isEmpty && argument.allSatisfy { !$0.isWhitespace && !"'\"\\$`;&|<>()*?".contains($0) }
        return plain ? argument : "'" + argument.replacing("'", with: "'\\''") + "'"
    }
}
