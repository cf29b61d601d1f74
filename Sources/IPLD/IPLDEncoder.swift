#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns `Encodable` Swift values into ``IPLDValue``s, ready for ``DagCBOR`` or ``DagJSON``.
///
/// Shoal's provenance objects (recipe, step, attestation) are plain Codable structs encoded
/// through this. The mapping:
///
/// | Swift | IPLD |
/// | --- | --- |
/// | struct, class, `[String: T]` (and `CodingKeyRepresentable` keys) | map (keys sorted by the codec) |
/// | array | list |
/// | `Bool`, `String` | bool, string |
/// | every `FixedWidthInteger` (`Int`, `UInt64`, `Int8`, …) | integer |
/// | `Double`, `Float` (widened to `Double`) | float; NaN and ±Infinity are refused |
/// | ``CID`` | **link** (not its string form) |
/// | ``IPLDBytes``, `[UInt8]`, `Data` | **bytes** (not a list of integers) |
/// | ``IPLDValue``, ``IPLDMap``, ``IPLDInteger`` | themselves |
/// | `nil` optional property | **omitted** (synthesized code calls `encodeIfPresent`) |
/// | explicit `encodeNil()` | null |
///
/// Map keys are sorted by the codec, so dictionaries encode deterministically. A `Set`, or a
/// dictionary whose keys are neither strings, integers nor `CodingKeyRepresentable` (Swift
/// writes those as a list of alternating keys and values), encodes in its iteration order,
/// which changes from run to run: sort such collections into arrays before content-addressing them.
///
/// ```swift
/// struct Recipe: Codable { var type = "shoal.recipe/1"; var tool: CID; var run: [String] }
/// let value = try IPLDEncoder().encode(Recipe(tool: toolCID, run: ["python3", "x.py"]))
/// let block = try Block(dagCBOR: value)
/// ```
///
/// - Throws: ``IPLDError`` with ``IPLDError/Code/unsupportedValue`` and the coding path (such as
///   `params.threshold`) when a value cannot be represented, for example a NaN.
public struct IPLDEncoder: Sendable {
    /// Passed to `encode(to:)` implementations as the encoder's `userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    public init() {}

    /// The IPLD form of `value`.
    public func encode<T: Encodable>(_ value: T) throws -> IPLDValue {
        do {
            return try IPLDValueEncoder.encode(value, codingPath: [], userInfo: userInfo)
        } catch let error as EncodingError {
            throw IPLDError(codableError: error)
        } catch let error as DecodingError {
            throw IPLDError(codableError: error)
        }
    }
}

// MARK: - Building values

/// A value being built: containers hand out child nodes that later calls may still fill.
final class EncodingNode {
    enum Kind { case empty, value, map, list }

    private(set) var kind = Kind.empty
    private var value = IPLDValue.null
    private var entries: [(String, EncodingNode)] = []
    private var items: [EncodingNode] = []

    init() {}
    init(_ value: IPLDValue) { set(value) }

    func set(_ value: IPLDValue) {
        kind = .value
        self.value = value
    }

    /// Makes this node a map (keeping entries if it already is one).
    func becomeMap() {
        guard kind != .map else { return }
        kind = .map
        entries = []
    }

    /// Makes this node a list (keeping items if it already is one).
    func becomeList() {
        guard kind != .list else { return }
        kind = .list
        items = []
    }

    func add(_ child: EncodingNode, key: String) { entries.append((key, child)) }
    func append(_ child: EncodingNode) { items.append(child) }
    var itemCount: Int { items.count }

    /// Takes over another node's content (a single-value container encoding a composite value).
    func adopt(_ other: EncodingNode) {
        kind = other.kind
        value = other.value
        entries = other.entries
        items = other.items
    }

    /// The finished value; a node nobody wrote to is an empty map, as with `JSONEncoder`.
    func finish() -> IPLDValue {
        switch kind {
        case .empty: .map(IPLDMap())
        case .value: value
        case .map: .map(IPLDMap(entries.map { ($0.0, $0.1.finish()) }))
        case .list: .list(items.map { $0.finish() })
        }
    }
}

/// The `Encoder` the IPLD encoder hands to `encode(to:)`.
final class IPLDValueEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    let sendableUserInfo: [CodingUserInfoKey: any Sendable]
    var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }

    init(node: EncodingNode, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.node = node
        self.codingPath = codingPath
        self.sendableUserInfo = userInfo
    }

    /// Encodes any value, giving the types that have a native IPLD form that form.
    static func encode<T: Encodable>(
        _ value: T, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]
    ) throws -> IPLDValue {
        try node(for: value, codingPath: codingPath, userInfo: userInfo).finish()
    }

    static func node<T: Encodable>(
        for value: T, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]
    ) throws -> EncodingNode {
        if let native = try nativeValue(of: value, codingPath: codingPath) { return EncodingNode(native) }
        // Each level of user types recurses here; bound it like the codecs bound decoding.
        guard codingPath.count < DagCBOR.defaultMaxDepth else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath,
                debugDescription: "nested deeper than \(DagCBOR.defaultMaxDepth) levels"))
        }
        let node = EncodingNode()
        try value.encode(to: IPLDValueEncoder(node: node, codingPath: codingPath, userInfo: userInfo))
        return node
    }

    /// The IPLD form of types that are not encoded through their own `encode(to:)`.
    ///
    /// Dispatches on the static type, not on a dynamic cast: an empty `[CID]` would pass
    /// `as? [UInt8]` (empty arrays cast to any element type) and become bytes.
    static func nativeValue<T: Encodable>(of value: T, codingPath: [any CodingKey]) throws -> IPLDValue? {
        switch T.self {
        case is IPLDValue.Type: return value as? IPLDValue
        case is CID.Type: return (value as? CID).map(IPLDValue.link)
        case is IPLDBytes.Type: return (value as? IPLDBytes).map { .bytes($0.bytes) }
        case is [UInt8].Type: return (value as? [UInt8]).map(IPLDValue.bytes)
        case is Data.Type: return (value as? Data).map { .bytes(Array($0)) }
        case is IPLDMap.Type: return (value as? IPLDMap).map(IPLDValue.map)
        case is IPLDInteger.Type: return (value as? IPLDInteger).map(IPLDValue.integer)
        case is Double.Type: return try (value as? Double).map { try float($0, codingPath: codingPath) }
        case is Float.Type: return try (value as? Float).map { try float(Double($0), codingPath: codingPath) }
        default: return nil
        }
    }

    static func float(_ double: Double, codingPath: [any CodingKey]) throws -> IPLDValue {
        guard double.isFinite else {
            throw EncodingError.invalidValue(double, .init(codingPath: codingPath,
                debugDescription: "\(double) is not part of the IPLD data model"))
        }
        return .float(double)
    }

    /// Called only with the standard integer types of at most 64 bits, which always fit.
    static func integer<T: FixedWidthInteger>(_ value: T) -> IPLDValue {
        .integer(IPLDInteger(exactly: value)!)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.becomeMap()
        return KeyedEncodingContainer(IPLDKeyedEncodingContainer<Key>(encoder: self, node: node))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.becomeList()
        return IPLDUnkeyedEncodingContainer(encoder: self, node: node)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    /// A new encoder for a child value at `key`.
    func child(_ node: EncodingNode, key: any CodingKey) -> IPLDValueEncoder {
        IPLDValueEncoder(node: node, codingPath: codingPath + [key], userInfo: sendableUserInfo)
    }
}

extension IPLDValueEncoder: SingleValueEncodingContainer {
    func encodeNil() throws { node.set(.null) }
    func encode(_ value: Bool) throws { node.set(.bool(value)) }
    func encode(_ value: String) throws { node.set(.string(value)) }
    func encode(_ value: Double) throws { node.set(try Self.float(value, codingPath: codingPath)) }
    func encode(_ value: Float) throws { node.set(try Self.float(Double(value), codingPath: codingPath)) }
    func encode(_ value: Int) throws { node.set(Self.integer(value)) }
    func encode(_ value: Int8) throws { node.set(Self.integer(value)) }
    func encode(_ value: Int16) throws { node.set(Self.integer(value)) }
    func encode(_ value: Int32) throws { node.set(Self.integer(value)) }
    func encode(_ value: Int64) throws { node.set(Self.integer(value)) }
    func encode(_ value: UInt) throws { node.set(Self.integer(value)) }
    func encode(_ value: UInt8) throws { node.set(Self.integer(value)) }
    func encode(_ value: UInt16) throws { node.set(Self.integer(value)) }
    func encode(_ value: UInt32) throws { node.set(Self.integer(value)) }
    func encode(_ value: UInt64) throws { node.set(Self.integer(value)) }
    func encode<T: Encodable>(_ value: T) throws {
        node.adopt(try Self.node(for: value, codingPath: codingPath, userInfo: sendableUserInfo))
    }
}

// MARK: - Containers

struct IPLDKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: IPLDValueEncoder
    let node: EncodingNode
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ child: EncodingNode, for key: any CodingKey) {
        node.add(child, key: key.stringValue)
    }

    private func set(_ value: IPLDValue, for key: Key) { set(EncodingNode(value), for: key) }

    mutating func encodeNil(forKey key: Key) throws { set(.null, for: key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), for: key) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(.string(value), for: key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        set(try IPLDValueEncoder.float(value, codingPath: codingPath + [key]), for: key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        set(try IPLDValueEncoder.float(Double(value), codingPath: codingPath + [key]), for: key)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(IPLDValueEncoder.integer(value), for: key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(IPLDValueEncoder.integer(value), for: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(IPLDValueEncoder.integer(value), for: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(IPLDValueEncoder.integer(value), for: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(IPLDValueEncoder.integer(value), for: key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(IPLDValueEncoder.integer(value), for: key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(IPLDValueEncoder.integer(value), for: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(IPLDValueEncoder.integer(value), for: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(IPLDValueEncoder.integer(value), for: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(IPLDValueEncoder.integer(value), for: key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        set(try IPLDValueEncoder.node(for: value, codingPath: codingPath + [key], userInfo: encoder.sendableUserInfo),
            for: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingNode()
        set(child, for: key)
        return encoder.child(child, key: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = EncodingNode()
        set(child, for: key)
        return encoder.child(child, key: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let key = IPLDCodingKey(stringValue: "super")
        let child = EncodingNode()
        set(child, for: key)
        return encoder.child(child, key: key)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = EncodingNode()
        set(child, for: key)
        return encoder.child(child, key: key)
    }
}

struct IPLDUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: IPLDValueEncoder
    let node: EncodingNode
    var codingPath: [any CodingKey] { encoder.codingPath }

    var count: Int { node.itemCount }

    private var nextKey: IPLDCodingKey { IPLDCodingKey(index: count) }

    private func append(_ child: EncodingNode) { node.append(child) }

    private func append(_ value: IPLDValue) { append(EncodingNode(value)) }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws {
        append(try IPLDValueEncoder.float(value, codingPath: codingPath + [nextKey]))
    }
    mutating func encode(_ value: Float) throws {
        append(try IPLDValueEncoder.float(Double(value), codingPath: codingPath + [nextKey]))
    }
    mutating func encode(_ value: Int) throws { append(IPLDValueEncoder.integer(value)) }
    mutating func encode(_ value: Int8) throws { append(IPLDValueEncoder.integer(value)) }
    mutating func encode(_ value: Int16) throws { append(IPLDValueEncoder.integer(value)) }
    mutating func encode(_ value: Int32) throws { append(IPLDValueEncoder.integer(value)) }
    mutating func encode(_ value: Int64) throws { append(IPLDValueEncoder.integer(value)) }
    mutating func encode(_ value: UInt) throws { append(IPLDValueEncoder.integer(value)) }
    mutating func encode(_ value: UInt8) throws { append(IPLDValueEncoder.integer(value)) }
    mutating func encode(_ value: UInt16) throws { append(IPLDValueEncoder.integer(value)) }
    mutating func encode(_ value: UInt32) throws { append(IPLDValueEncoder.integer(value)) }
    mutating func encode(_ value: UInt64) throws { append(IPLDValueEncoder.integer(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        append(try IPLDValueEncoder.node(for: value, codingPath: codingPath + [nextKey],
                                         userInfo: encoder.sendableUserInfo))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let key = nextKey
        let child = EncodingNode()
        append(child)
        return encoder.child(child, key: key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let key = nextKey
        let child = EncodingNode()
        append(child)
        return encoder.child(child, key: key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let key = nextKey
        let child = EncodingNode()
        append(child)
        return encoder.child(child, key: key)
    }
}

/// A coding key for list positions and synthesized keys such as `super`.
struct IPLDCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) { self.init(index: intValue) }

    init(index: Int) {
        self.stringValue = "Index \(index)"
        self.intValue = index
    }
}
