/// The IPLD data model form of dag-pb nodes (ipld.io/specs/codecs/dag-pb/spec/#logical-format).
///
/// ```
/// {"Data": Bytes (optional), "Links": [{"Hash": Link, "Name": String (optional), "Tsize": Int (optional)}]}
/// ```
///
/// `Links` is always present. This is what `dag get` shows for a dag-pb block and what the
/// reference implementations produce, so a dag-pb node can be re-encoded as dag-json or
/// dag-cbor and compared with the official codec fixtures.
extension PBNode {
    /// The node as an IPLD value.
    public var ipldValue: IPLDValue {
        var node: IPLDMap = ["Links": .list(links.map(\.ipldValue))]
        if let data { node["Data"] = .bytes(data) }
        return .map(node)
    }

    /// Builds a node from its data model form, rejecting anything the form does not allow.
    ///
    /// - Throws: ``IPLDError/Code/invalidDagPB`` for a missing or mistyped `Links`, a `Data`
    ///   that is not bytes, a link without a `Hash` link, or any extra field.
    public init(ipldValue value: IPLDValue) throws {
        guard case .map(let map) = value else { throw Self.formError("a node must be a map, not \(value.kind)") }
        for key in map.keys where key != "Data" && key != "Links" {
            throw Self.formError("unknown node field \(quotedKey(key))")
        }
        guard case .list(let links)? = map["Links"] else { throw Self.formError("Links must be a list") }
        var data: [UInt8]?
        if let value = map["Data"] {
            guard case .bytes(let bytes) = value else { throw Self.formError("Data must be bytes, not \(value.kind)") }
            data = bytes
        }
        self.init(links: try links.map(PBLink.init(ipldValue:)), data: data)
    }

    static func formError(_ what: String) -> IPLDError {
        IPLDError(.invalidDagPB, "invalid dag-pb data model form: \(what)")
    }
}

extension PBLink {
    /// The link as an IPLD value.
    public var ipldValue: IPLDValue {
        var link: IPLDMap = ["Hash": .link(hash)]
        if let name { link["Name"] = .string(name) }
        if let tsize { link["Tsize"] = .integer(IPLDInteger(tsize)) }
        return .map(link)
    }

    /// Builds a link from its data model form.
    public init(ipldValue value: IPLDValue) throws {
        guard case .map(let map) = value else { throw PBNode.formError("a link must be a map, not \(value.kind)") }
        for key in map.keys where key != "Hash" && key != "Name" && key != "Tsize" {
            throw PBNode.formError("unknown link field \(quotedKey(key))")
        }
        guard case .link(let hash)? = map["Hash"] else { throw PBNode.formError("a link must have a Hash link") }
        var name: String?
        if let value = map["Name"] {
            guard case .string(let string) = value else { throw PBNode.formError("Name must be a string, not \(value.kind)") }
            name = string
        }
        var tsize: UInt64?
        if let value = map["Tsize"] {
            guard case .integer(let integer) = value, let size = integer.as(UInt64.self) else {
                throw PBNode.formError("Tsize must be a non-negative integer")
            }
            tsize = size
        }
        self.init(hash: hash, name: name, tsize: tsize)
    }
}
