/// `Codable` for the data model types, so structs can hold arbitrary IPLD values (a recipe's
/// `params`, say).
///
/// With ``IPLDEncoder`` and ``IPLDDecoder`` the values pass through unchanged. With other
/// coders (JSON, YAML) they take dag-json's shape: links become `{"/": "bafy…"}`, bytes
/// `{"/": {"bytes": "…"}}`, and decoding reads those shapes back. Decoding from a generic
/// decoder is best effort: a scalar is tried as null, bool, integer, float, then string, so
/// the source format decides what `1.0` or `"true"` become.
extension IPLDValue: Codable {
    public init(from decoder: any Decoder) throws {
        if let ipld = decoder as? IPLDValueDecoder {
            self = ipld.value
            return
        }
        if let single = try? decoder.singleValueContainer() {
            if single.decodeNil() { self = .null; return }
            if let flag = try? single.decode(Bool.self) { self = .bool(flag); return }
            if let int = try? single.decode(Int64.self) { self = .integer(IPLDInteger(int)); return }
            if let uint = try? single.decode(UInt64.self) { self = .integer(IPLDInteger(uint)); return }
            if let double = try? single.decode(Double.self), double.isFinite { self = .float(double); return }
            if let string = try? single.decode(String.self) { self = .string(string); return }
        }
        if let keyed = try? decoder.container(keyedBy: IPLDCodingKey.self) {
            var pairs: [(String, IPLDValue)] = []
            for key in keyed.allKeys { pairs.append((key.stringValue, try keyed.decode(IPLDValue.self, forKey: key))) }
            self = Self.reservedForm(IPLDMap(pairs)) ?? .map(IPLDMap(pairs))
            return
        }
        var unkeyed = try decoder.unkeyedContainer()
        var items: [IPLDValue] = []
        while !unkeyed.isAtEnd { items.append(try unkeyed.decode(IPLDValue.self)) }
        self = .list(items)
    }

    public func encode(to encoder: any Encoder) throws {
        if let ipld = encoder as? IPLDValueEncoder {
            ipld.node.set(self)
            return
        }
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let flag):
            var single = encoder.singleValueContainer()
            try single.encode(flag)
        case .integer(let integer):
            try integer.encode(to: encoder)
        case .float(let double):
            var single = encoder.singleValueContainer()
            try single.encode(double)
        case .string(let string):
            var single = encoder.singleValueContainer()
            try single.encode(string)
        case .bytes(let bytes):
            try IPLDValue.map(["/": ["bytes": .string(Base64.encode(bytes))]]).encode(to: encoder)
        case .list(let items):
            var unkeyed = encoder.unkeyedContainer()
            for item in items { try unkeyed.encode(item) }
        case .map(let map):
            var keyed = encoder.container(keyedBy: IPLDCodingKey.self)
            for entry in map { try keyed.encode(entry.value, forKey: IPLDCodingKey(stringValue: entry.key)) }
        case .link(let cid):
            try IPLDValue.map(["/": .string(cid.string)]).encode(to: encoder)
        }
    }

    /// The link or bytes a dag-json-shaped map from a generic decoder stands for, if any.
    private static func reservedForm(_ map: IPLDMap) -> IPLDValue? {
        guard map.count == 1, let slash = map["/"] else { return nil }
        if case .string(let text) = slash, let cid = try? CID(text) { return .link(cid) }
        if case .map(let inner) = slash, inner.count == 1, case .string(let text)? = inner["bytes"],
           case .success(let bytes) = Base64.decode(text.utf8)
        {
            return .bytes(bytes)
        }
        return nil
    }
}

extension IPLDMap: Codable {
    public init(from decoder: any Decoder) throws {
        let value = try IPLDValue(from: decoder)
        guard case .map(let map) = value else {
            throw DecodingError.typeMismatch(IPLDMap.self, .init(codingPath: decoder.codingPath,
                debugDescription: "expected map, found \(value.kind)"))
        }
        self = map
    }

    public func encode(to encoder: any Encoder) throws {
        try IPLDValue.map(self).encode(to: encoder)
    }
}

extension IPLDInteger: Codable {
    public init(from decoder: any Decoder) throws {
        if let ipld = decoder as? IPLDValueDecoder {
            guard case .integer(let integer) = ipld.value else {
                throw IPLDValueDecoder.mismatch(IPLDInteger.self, expected: .integer, found: ipld.value, ipld.codingPath)
            }
            self = integer
            return
        }
        let single = try decoder.singleValueContainer()
        if let int = try? single.decode(Int64.self) {
            self.init(int)
        } else {
            self.init(try single.decode(UInt64.self))
        }
    }

    /// With a generic encoder, values below `Int64.min` cannot be written and throw.
    public func encode(to encoder: any Encoder) throws {
        if let ipld = encoder as? IPLDValueEncoder {
            ipld.node.set(.integer(self))
            return
        }
        var single = encoder.singleValueContainer()
        if let int = self.as(Int64.self) {
            try single.encode(int)
        } else if let uint = self.as(UInt64.self) {
            try single.encode(uint)
        } else {
            throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath,
                debugDescription: "\(self) does not fit in Int64 or UInt64"))
        }
    }
}
