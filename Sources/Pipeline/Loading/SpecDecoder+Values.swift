import Yams

extension SpecDecoder {
    /// `params:`: a map of IPLD-friendly values, keys checked at every depth.
    func decodeParams(_ node: Node, path: String) -> SpecMap {
        guard case .map(let map)? = value(node, path: path, what: "parameters (a map)", requireMap: true) else { return [:] }
        return map
    }

    /// A string, integer, finite float, boolean, list or map; null and other tags are reported.
    func value(_ node: Node, path: String, what: String = "a value", requireMap: Bool = false) -> SpecValue? {
        switch node {
        case .mapping(let mapping):
            var map = SpecMap()
            for (keyNode, valueNode) in mapping {
                guard let key = keyNode.scalar?.string, tag(of: keyNode) == .str else {
                    report("expected a parameter name, found \(describe(keyNode))", at: keyNode, path: path)
                    continue
                }
                let childPath = FieldPath.child(path, key)
                if !SpecNames.isValidParamKey(key) {
                    report("parameter name '\(key)' is not valid: use \(SpecNames.paramKeyRule)", at: keyNode, path: childPath)
                    continue
                }
                if let child = value(valueNode, path: childPath) { map[key] = child }
            }
            return .map(map)
        case _ where requireMap:
            report("expected \(what), found \(describe(node))", at: node, path: path)
            return nil
        case .sequence(let sequence):
            let items = sequence.enumerated().compactMap { value($0.element, path: FieldPath.item(path, $0.offset)) }
            return items.count == sequence.count ? .list(items) : nil
        case .alias:
            report("aliases are not supported here", at: node, path: path)
            return nil
        case .scalar(let scalar):
            switch tag(of: node) {
            case .str: return .string(scalar.string)
            case .bool: return .bool(scalar.string.lowercased() == "true")
            case .int:
                guard let value = SpecResolver.integer(scalar.string) else {
                    report("integer \(scalar.string) is out of range", at: node, path: path)
                    return nil
                }
                return .int(value)
            case .float:
                guard let value = SpecResolver.float(scalar.string), value.isFinite else {
                    report("\(scalar.string) is not a finite number: a parameter may be a string, integer, finite float, "
                           + "boolean, list or map", at: node, path: path)
                    return nil
                }
                return .float(value)
            case .null:
                report("a parameter cannot be null: leave it out, or quote it (\"null\") to mean the text",
                       at: node, path: path)
                return nil
            default:
                report("unsupported value with tag \(node.tag): expected a string, number, boolean, list or map",
                       at: node, path: path)
                return nil
            }
        }
    }
}
