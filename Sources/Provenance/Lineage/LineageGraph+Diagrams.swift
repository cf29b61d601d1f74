import IPLD

extension LineageGraph {
    /// The graph in Graphviz DOT: data as boxes, steps as ellipses, recipes as notes; raw inputs
    /// bold, unexplored data dotted, missing or invalid blocks dashed red.
    ///
    /// ```
    /// digraph lineage {
    ///   rankdir=LR;
    ///   node [fontname="monospace", fontsize=10];
    ///   "data:bafy…" [shape=box, label="data\nbafy…"];
    ///   "data:bafy…" -> "step:bafy…" [label="produced by"];
    /// }
    /// ```
    public var dotText: String {
        var lines = ["digraph lineage {", "  rankdir=LR;", "  node [fontname=\"monospace\", fontsize=10];"]
        for node in nodes {
            var attributes = ["shape=\(Self.dotShape(node.kind))"]
            switch node.state {
            case .raw: attributes.append("style=bold")
            case .unexplored: attributes.append("style=dotted")
            case .missing, .invalid: attributes += ["style=dashed", "color=red"]
            case .ok: break
            }
            let label = ([node.kind.rawValue, node.cid.string] + notes(for: node.id)).map(Self.dotEscaped)
            attributes.append("label=\"\(label.joined(separator: "\\n"))\"")
            lines.append("  \"\(node.id)\" [\(attributes.joined(separator: ", "))];")
        }
        for edge in edges {
            lines.append("  \"\(edge.from)\" -> \"\(edge.to)\" [label=\"\(Self.dotEscaped(edge.label.description))\"];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The graph as a Mermaid flowchart: data as rectangles, steps as stadiums, recipes as
    /// hexagons; nodes are numbered `n0`, `n1`, … in graph order.
    ///
    /// ```
    /// flowchart LR
    ///   n0["data<br/>bafy…"]
    ///   n1(["step<br/>bafy…<br/>task train, job run-1, exit 0"])
    ///   n0 -->|"produced by"| n1
    /// ```
    public var mermaidText: String {
        var lines = ["flowchart LR"]
        var names: [NodeID: String] = [:]
        var classes: [String: [String]] = [:]
        for (number, node) in nodes.enumerated() {
            let name = "n\(number)"
            names[node.id] = name
            var label = [node.kind.rawValue, node.cid.string]
            let notes = self.notes(for: node.id)
            if !notes.isEmpty { label.append(notes.joined(separator: ", ")) }
            let text = "\"" + label.map(Self.mermaidEscaped).joined(separator: "<br/>") + "\""
            switch node.kind {
            case .data: lines.append("  \(name)[\(text)]")
            case .step: lines.append("  \(name)([\(text)])")
            case .recipe: lines.append("  \(name){{\(text)}}")
            }
            switch node.state {
            case .ok: break
            case .raw: classes["raw", default: []].append(name)
            case .unexplored: classes["unexplored", default: []].append(name)
            case .missing, .invalid: classes["problem", default: []].append(name)
            }
        }
        for edge in edges {
            guard let from = names[edge.from], let to = names[edge.to] else { continue }
            lines.append("  \(from) -->|\"\(Self.mermaidEscaped(edge.label.description))\"| \(to)")
        }
        let styles = [
            ("raw", "stroke-width:3px"), ("unexplored", "stroke-dasharray:2 2"),
            ("problem", "stroke:#c00,stroke-dasharray:5 5"),
        ]
        for (name, style) in styles {
            guard let members = classes[name] else { continue }
            lines.append("  classDef \(name) \(style)")
            lines.append("  class \(members.joined(separator: ",")) \(name)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func dotShape(_ kind: Node.Kind) -> String {
        switch kind {
        case .data: "box"
        case .step: "ellipse"
        case .recipe: "note"
        }
    }

    /// Text inside a DOT double-quoted string.
    static func dotEscaped(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n")
    }

    /// Text inside a Mermaid quoted label (Mermaid's entity codes for the characters it parses).
    static func mermaidEscaped(_ text: String) -> String {
        text.replacing("#", with: "#35;").replacing("\"", with: "#quot;")
            .replacing("<", with: "#lt;").replacing(">", with: "#gt;").replacing("\n", with: " ")
    }
}
