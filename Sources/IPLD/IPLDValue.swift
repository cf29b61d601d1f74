/// A value in the IPLD data model: what a dag-cbor or dag-json block decodes to.
///
/// The data model (ipld.io/docs/data-model/kinds/) has nine kinds: null, boolean, integer,
/// float, string, bytes, list, map (string keys) and link (a CID). Both codecs Shoal speaks
/// (``DagCBOR``, ``DagJSON``) encode every kind, so a value can move between them without loss.
///
/// Equality is the equality of the encoded form: strings and map keys compare by their UTF-8
/// bytes (not by Swift's canonical equivalence), floats by their bit pattern (`0.0` and `-0.0`
/// differ, as their encodings do), and integers never equal floats.
///
/// ```swift
/// let step: IPLDValue = [
///     "type": "shoal.step/1",
///     "exitCode": 0,
///     "recipe": .link(recipeCID),
/// ]
/// step["exitCode"]?.int      // 0
/// step["recipe"]?.link       // recipeCID
/// let bytes = try DagCBOR.encode(step)
/// ```
public indirect enum IPLDValue: Sendable {
    case null
    case bool(Bool)
    case integer(IPLDInteger)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case list([IPLDValue])
    case map(IPLDMap)
    case link(CID)

    /// The data model kind of a value, used in error messages and for dispatch.
    public enum Kind: String, Sendable, Hashable, CustomStringConvertible {
        case null, bool, integer, float, string, bytes, list, map, link
        public var description: String { rawValue }
    }

    /// This value's kind.
    public var kind: Kind {
        switch self {
        case .null: .null
        case .bool: .bool
        case .integer: .integer
        case .float: .float
        case .string: .string
        case .bytes: .bytes
        case .list: .list
        case .map: .map
        case .link: .link
        }
    }

    /// An integer value from a Swift integer.
    public static func int(_ value: Int) -> IPLDValue { .integer(IPLDInteger(value)) }
}

// MARK: - Accessors

extension IPLDValue {
    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The boolean, if this is a boolean.
    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The integer, if this is an integer.
    public var integer: IPLDInteger? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The integer as `Int`, if this is an integer that fits.
    public var int: Int? { integer?.int }

    /// The float, if this is a float (an integer is not converted).
    public var float: Double? {
        if case .float(let value) = self { return value }
        return nil
    }

    /// The string, if this is a string.
    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The bytes, if this is a bytes value.
    public var bytes: [UInt8]? {
        if case .bytes(let value) = self { return value }
        return nil
    }

    /// The elements, if this is a list.
    public var list: [IPLDValue]? {
        if case .list(let value) = self { return value }
        return nil
    }

    /// The map, if this is a map.
    public var map: IPLDMap? {
        if case .map(let value) = self { return value }
        return nil
    }

    /// The CID, if this is a link.
    public var link: CID? {
        if case .link(let value) = self { return value }
        return nil
    }

    /// The value under `key` when this is a map that has it; `nil` otherwise.
    public subscript(key: String) -> IPLDValue? {
        map?[key]
    }

    /// The element at `index` when this is a list that long; `nil` otherwise.
    public subscript(index: Int) -> IPLDValue? {
        guard let list, list.indices.contains(index) else { return nil }
        return list[index]
    }

    /// Every link in this value, depth first; map entries are visited in ``IPLDMap`` order.
    ///
    /// To get the links of an encoded block in the order the block stores them, use
    /// ``BlockLinks/of(_:codec:)`` instead.
    public var links: [CID] {
        var out: [CID] = []
        collectLinks(into: &out)
        return out
    }

    private func collectLinks(into out: inout [CID]) {
        switch self {
        case .link(let cid): out.append(cid)
        case .list(let items): for item in items { item.collectLinks(into: &out) }
        case .map(let map): for entry in map { entry.value.collectLinks(into: &out) }
        default: break
        }
    }
}

// MARK: - Equality

extension IPLDValue: Hashable {
    public static func == (lhs: IPLDValue, rhs: IPLDValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.float(let a), .float(let b)): a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): a.utf8.elementsEqual(b.utf8)
        case (.bytes(let a), .bytes(let b)): a == b
        case (.list(let a), .list(let b)): a == b
        case (.map(let a), .map(let b)): a == b
        case (.link(let a), .link(let b)): a == b
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        switch self {
        case .null: break
        case .bool(let value): hasher.combine(value)
        case .integer(let value): hasher.combine(value)
        case .float(let value): hasher.combine(value.bitPattern)
        case .string(let value): hashUTF8(value, into: &hasher)
        case .bytes(let value): hasher.combine(value)
        case .list(let value): hasher.combine(value)
        case .map(let value): hasher.combine(value)
        case .link(let value): hasher.combine(value)
        }
    }
}

/// Feeds a string's UTF-8 bytes (not its Unicode-normalized form) to `hasher`.
func hashUTF8(_ string: String, into hasher: inout Hasher) {
    var string = string
    string.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    hasher.combine(string.utf8.count)
}

// MARK: - Literals

// Deliberately not `ExpressibleByNilLiteral`: `nil` would silently become `.null` wherever an
// `IPLDValue?` is expected (a missing map key would read as a present null). Write `.null`.
extension IPLDValue: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .integer(IPLDInteger(value)) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: IPLDValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, IPLDValue)...) { self = .map(IPLDMap(elements)) }
}

// MARK: - Description

extension IPLDValue: CustomStringConvertible {
    /// The value as dag-json text, which shows every kind unambiguously.
    ///
    /// A value dag-json cannot encode (a non-finite float, a reserved `"/"` map) is described by
    /// its kind and the reason instead.
    public var description: String {
        do {
            return try DagJSON.string(self)
        } catch let error as IPLDError {
            return "<\(kind) not representable in dag-json: \(error.message)>"
        } catch {
            return "<\(kind)>"
        }
    }
}
