import Foundation
import IPLD
import Yams

/// Turns a parsed YAML/JSON document into a ``PipelineSpec``, collecting a located diagnostic for
/// every structural problem instead of stopping at the first.
///
/// Decoding is lenient where it must be to go on: a field that is wrong is reported and left at
/// its default, so the cross-field checks in ``SpecValidator`` can still run over the rest and the
/// user sees every problem in one pass. The result is only handed out when nothing was reported.
///
/// The extensions split the work by part of the document: `+Pipeline` (top level, datasets,
/// import settings), `+Task` (task fields and the FPS shape), `+Values` (parameter values).
final class SpecDecoder {
    let file: String
    let baseDirectory: URL?
    let options: SpecLoader.Options
    var diagnostics: [SpecDiagnostic] = []
    var sourceMap = SpecSourceMap()
    /// Tasks whose outputs could not all be read: references to them are not checked, so one
    /// mistake does not echo as many.
    var tasksWithBrokenOutputs: Set<String> = []
    /// Datasets named only by an FPS-style `inputs:` list, lifted to pipeline inputs named by their CID.
    var liftedInputs: [(name: String, cid: CID, path: String, node: Node)] = []
    /// Whether the parser left plain scalars untyped (``SpecLoader``'s fast path, for text without
    /// tags): ``tag(of:)`` then types them with ``SpecResolver/plainTag(_:)``.
    var typesPlainScalars = false

    init(file: String, baseDirectory: URL?, options: SpecLoader.Options) {
        self.file = file
        self.baseDirectory = baseDirectory
        self.options = options
    }

    // MARK: Reporting

    func location(of node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    func report(_ message: String, at node: Node, path: String, writtenAs written: String? = nil) {
        diagnostics.append(SpecDiagnostic(location: location(of: node), path: written ?? path, message: message))
    }

    func record(_ path: String, _ node: Node, writtenAs written: String? = nil) {
        sourceMap.record(path, at: location(of: node), writtenAs: written)
    }

    /// The node's type under the spec's schema: `str`, `int`, `float`, `bool`, `null`, `map` or `seq`.
    ///
    /// When ``typesPlainScalars`` is set, every scalar's tag was left to the spec's schema (the
    /// text has no `!`): a plain one is typed by ``SpecResolver/plainTag(_:)``, and any other
    /// (quoted, literal, folded) is a string, as the YAML parser reports it.
    func tag(of node: Node) -> Tag.Name {
        if typesPlainScalars, case .scalar(let scalar) = node {
            return scalar.style == .plain ? SpecResolver.plainTag(scalar.string) : .str
        }
        return node.tagName
    }

    // MARK: Shapes

    /// The entries of a mapping, with unknown and duplicate keys reported.
    struct Fields {
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        let node: Node
        subscript(key: String) -> Node? { entries.first { $0.key == key }?.value }
        func has(_ key: String) -> Bool { self[key] != nil }
        func keyNode(_ key: String) -> Node? { entries.first { $0.key == key }?.keyNode }
    }

    /// Reads `node` as a mapping of known fields.
    ///
    /// Reports a node that is not a mapping, non-string keys, unknown fields (with a "did you
    /// mean" when one is close) and missing required fields, located at the mapping.
    func fields(
        of node: Node, path: String, known: [String], required: [String] = [], what: String
    ) -> Fields? {
        guard case .mapping(let mapping) = node else {
            report("expected \(what) (a map), found \(describe(node))", at: node, path: path)
            return nil
        }
        var fields = Fields(node: node)
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string, tag(of: keyNode) == .str else {
                report("expected a field name, found \(describe(keyNode))", at: keyNode, path: path)
                continue
            }
            guard known.contains(key) else {
                let hint = Self.closest(to: key, in: known).map { "did you mean '\($0)'? " } ?? ""
                report("unknown field '\(key)': \(hint)\(what) has fields \(known.joined(separator: ", "))",
                       at: keyNode, path: FieldPath.child(path, key))
                continue
            }
            fields.entries.append((key, keyNode, value))
        }
        for key in required where !fields.has(key) {
            report("missing required field '\(key)' of \(what)", at: node, path: FieldPath.child(path, key))
        }
        return fields
    }

    /// The entries of a mapping whose keys are names chosen by the user (inputs, env, params).
    func namedEntries(of node: Node, path: String, what: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            report("expected \(what) (a map), found \(describe(node))", at: node, path: path)
            return nil
        }
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string, tag(of: keyNode) == .str else {
                report("expected a name, found \(describe(keyNode))", at: keyNode, path: path)
                continue
            }
            entries.append((key, keyNode, value))
        }
        return entries
    }

    func sequence(_ node: Node, path: String, what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            report("expected \(what) (a list), found \(describe(node))", at: node, path: path)
            return nil
        }
        return Array(sequence)
    }

    // MARK: Scalars

    /// A string scalar (quoted numbers count as strings; bare numbers and booleans do not).
    func string(_ node: Node, path: String, what: String = "a string") -> String? {
        guard let scalar = node.scalar, tag(of: node) == .str else {
            report("expected \(what), found \(describe(node))", at: node, path: path)
            return nil
        }
        return scalar.string
    }

    /// The literal text of a string, number or boolean scalar: command arguments and environment
    /// values may be written as `5` or `true` and mean the text as written.
    func scalarText(_ node: Node, path: String, what: String) -> String? {
        guard let scalar = node.scalar, [.str, .int, .float, .bool].contains(tag(of: node)) else {
            report("expected \(what), found \(describe(node))", at: node, path: path)
            return nil
        }
        return scalar.string
    }

    func int(_ node: Node, path: String, what: String = "an integer") -> Int? {
        guard let scalar = node.scalar, tag(of: node) == .int else {
            report("expected \(what), found \(describe(node))", at: node, path: path)
            return nil
        }
        guard let value = SpecResolver.integer(scalar.string) else {
            report("integer \(scalar.string) is out of range", at: node, path: path)
            return nil
        }
        return value
    }

    func bool(_ node: Node, path: String) -> Bool? {
        guard let scalar = node.scalar, tag(of: node) == .bool else {
            report("expected true or false, found \(describe(node))", at: node, path: path)
            return nil
        }
        return scalar.string.lowercased() == "true"
    }

    /// An integer or a finite float.
    func number(_ node: Node, path: String, what: String) -> Double? {
        guard let scalar = node.scalar, tag(of: node) == .int || tag(of: node) == .float else {
            report("expected \(what), found \(describe(node))", at: node, path: path)
            return nil
        }
        let value = tag(of: node) == .int ? SpecResolver.integer(scalar.string).map(Double.init) : SpecResolver.float(scalar.string)
        guard let value, value.isFinite else {
            report("expected \(what), found \(scalar.string)", at: node, path: path)
            return nil
        }
        return value
    }

    /// A string that must be one of `choices`.
    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, path: String, as type: T.Type) -> T? where T.RawValue == String {
        let names = T.allCases.map(\.rawValue).joined(separator: ", ")
        guard let text = string(node, path: path, what: "one of \(names)") else { return nil }
        guard let value = T(rawValue: text) else {
            report("'\(text)' is not one of \(names)", at: node, path: path)
            return nil
        }
        return value
    }

    // MARK: Descriptions

    /// What a node is, for "expected X, found Y" messages.
    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a map"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            let text = scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "…" : scalar.string
            switch tag(of: node) {
            case .null: return "nothing (null)"
            case .int: return "the integer \(text)"
            case .float: return "the number \(text)"
            case .bool: return "the boolean \(text)"
            default: return "the string '\(text)'"
            }
        }
    }

    /// The known word closest to `word` when it is a likely typo: one edit away, or two for words
    /// of six letters or more (`netwrok` for `network`, but not `gpus` for `cpu`).
    static func closest(to word: String, in known: [String]) -> String? {
        let scored = known.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let allowed = word.count >= 6 ? 2 : 1
        return best.1 <= allowed && best.1 < word.count ? best.0 : nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
