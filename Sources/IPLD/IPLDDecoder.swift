#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns ``IPLDValue``s back into `Decodable` Swift values; the inverse of ``IPLDEncoder``.
///
/// The kinds must match what the Swift type asks for, with two conveniences: a `Double` (or
/// `Float`) property accepts an integer value that it can hold exactly (dag-json written by
/// JavaScript has no `1.0`), and `[UInt8]` accepts a list of small integers as well as bytes.
/// ``CID`` properties require a link, ``IPLDBytes`` and `Data` require bytes. An optional
/// property decodes as `nil` when its key is absent **or** its value is null.
///
/// ```swift
/// let step = try IPLDDecoder().decode(Step.self, from: DagCBOR.decode(block.bytes))
/// ```
///
/// - Throws: ``IPLDError`` with ``IPLDError/Code/typeMismatch``, ``IPLDError/Code/missingValue``
///   or ``IPLDError/Code/invalidValue``, and the coding path of the offending value, e.g.
///   `type mismatch: at outputs.model: expected link, found string`.
public struct IPLDDecoder: Sendable {
    /// Passed to `init(from:)` implementations as the decoder's `userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    public init() {}

    /// Decodes a `T` from `value`.
    public func decode<T: Decodable>(_ type: T.Type, from value: IPLDValue) throws -> T {
        do {
            return try IPLDValueDecoder.decode(type, from: value, codingPath: [], userInfo: userInfo)
        } catch let error as DecodingError {
            throw IPLDError(codableError: error)
        }
    }
}

/// The `Decoder` handed to `init(from:)`; it is also its own single-value container.
final class IPLDValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: IPLDValue
    let codingPath: [any CodingKey]
    let sendableUserInfo: [CodingUserInfoKey: any Sendable]
    var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }

    init(value: IPLDValue, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.value = value
        self.codingPath = codingPath
        self.sendableUserInfo = userInfo
    }

    /// Decodes any type, giving the types with a native IPLD form that form.
    static func decode<T: Decodable>(
        _ type: T.Type, from value: IPLDValue, codingPath: [any CodingKey],
        userInfo: [CodingUserInfoKey: any Sendable]
    ) throws -> T {
        if let native = try nativeValue(type, from: value, codingPath: codingPath) { return native }
        guard codingPath.count < DagCBOR.defaultMaxDepth else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath,
                debugDescription: "nested deeper than \(DagCBOR.defaultMaxDepth) levels"))
        }
        return try T(from: IPLDValueDecoder(value: value, codingPath: codingPath, userInfo: userInfo))
    }

    /// The types that are not decoded through their own `init(from:)`.
    private static func nativeValue<T>(_ type: T.Type, from value: IPLDValue, codingPath: [any CodingKey]) throws -> T? {
        func require<V>(_ kind: IPLDValue.Kind, _ extract: (IPLDValue) -> V?) throws -> T {
            guard let extracted = extract(value) else { throw mismatch(type, expected: kind, found: value, codingPath) }
            return extracted as! T
        }
        switch type {
        case is IPLDValue.Type: return value as? T
        case is CID.Type: return try require(.link) { $0.link }
        case is IPLDBytes.Type: return try require(.bytes) { $0.bytes.map(IPLDBytes.init) }
        case is Data.Type: return try require(.bytes) { $0.bytes.map { Data($0) } }
        case is [UInt8].Type:
            // Bytes directly; a list of integers goes through Array's own decoding.
            if case .bytes(let bytes) = value { return bytes as? T }
            return nil
        case is IPLDMap.Type: return try require(.map) { $0.map }
        case is IPLDInteger.Type: return try require(.integer) { $0.integer }
        default: return nil
        }
    }

    static func mismatch(_ type: Any.Type, expected: IPLDValue.Kind, found: IPLDValue,
                         _ codingPath: [any CodingKey]) -> DecodingError {
        .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(found.kind)"))
    }

    // MARK: Decoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .map(let map) = value else { throw Self.mismatch(IPLDMap.self, expected: .map, found: value, codingPath) }
        return KeyedDecodingContainer(IPLDKeyedDecodingContainer<Key>(decoder: self, map: map))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .list(let items) = value else { throw Self.mismatch([IPLDValue].self, expected: .list, found: value, codingPath) }
        return IPLDUnkeyedDecodingContainer(decoder: self, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func child(_ value: IPLDValue, key: any CodingKey) -> IPLDValueDecoder {
        IPLDValueDecoder(value: value, codingPath: codingPath + [key], userInfo: sendableUserInfo)
    }

    // MARK: SingleValueDecodingContainer

    func decodeNil() -> Bool { value.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let flag) = value else { throw Self.mismatch(type, expected: .bool, found: value, codingPath) }
        return flag
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let string) = value else { throw Self.mismatch(type, expected: .string, found: value, codingPath) }
        return string
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch value {
        case .float(let double): return double
        case .integer(let integer):
            guard let double = integer.exactDouble else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath,
                    debugDescription: "integer \(integer) is not exactly representable as Double"))
            }
            return double
        default: throw Self.mismatch(type, expected: .float, found: value, codingPath)
        }
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    func decodeInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard case .integer(let integer) = value else { throw Self.mismatch(type, expected: .integer, found: value, codingPath) }
        guard let result = integer.as(T.self) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath,
                debugDescription: "integer \(integer) does not fit in \(T.self)"))
        }
        return result
    }

    func decode(_ type: Int.Type) throws -> Int { try decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeInteger(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try Self.decode(type, from: value, codingPath: codingPath, userInfo: sendableUserInfo)
    }
}

// MARK: - Containers

struct IPLDKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: IPLDValueDecoder
    let map: IPLDMap
    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] { map.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { map[key.stringValue] != nil }

    private func child(_ key: Key) throws -> IPLDValueDecoder {
        guard let value = map[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath,
                debugDescription: "required key is absent"))
        }
        return decoder.child(value, key: key)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try child(key).decodeNil() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try child(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try child(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try child(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try child(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try child(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try child(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try child(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try child(key).decode(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decode(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        let key = IPLDCodingKey(stringValue: "super")
        return decoder.child(map["super"] ?? .null, key: key)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        decoder.child(map[key.stringValue] ?? .null, key: key)
    }
}

struct IPLDUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let decoder: IPLDValueDecoder
    let items: [IPLDValue]
    private(set) var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(decoder: IPLDValueDecoder, items: [IPLDValue]) {
        self.decoder = decoder
        self.items = items
    }

    /// The decoder for the next element, advancing past it.
    private mutating func next<T>(_ type: T.Type) throws -> IPLDValueDecoder {
        let key = IPLDCodingKey(index: currentIndex)
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath + [key],
                debugDescription: "list has only \(items.count) elements"))
        }
        currentIndex += 1
        return decoder.child(items[currentIndex - 1], key: key)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        if items[currentIndex].isNull {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type).decode(type) }
    mutating func decode(_ type: String.Type) throws -> String { try next(type).decode(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type).decode(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(type).decode(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type).decode(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type).decode(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type).decode(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type).decode(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type).decode(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type).decode(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type).decode(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type).decode(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type).decode(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type).decode(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type).decode(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next(IPLDMap.self).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next([IPLDValue].self).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        try next(IPLDValue.self)
    }
}

// MARK: - Errors

extension IPLDError {
    /// One line for a Codable error: the code, where (the coding path) and what.
    init(codableError error: any Error) {
        switch error {
        case DecodingError.typeMismatch(_, let context):
            self.init(.typeMismatch, Self.describe(context.codingPath, context.debugDescription))
        case DecodingError.keyNotFound(let key, let context):
            self.init(.missingValue, Self.describe(context.codingPath + [key], context.debugDescription))
        case DecodingError.valueNotFound(_, let context):
            self.init(.missingValue, Self.describe(context.codingPath, context.debugDescription))
        case DecodingError.dataCorrupted(let context):
            self.init(.invalidValue, Self.describe(context.codingPath, context.debugDescription))
        case EncodingError.invalidValue(_, let context):
            self.init(.unsupportedValue, Self.describe(context.codingPath, context.debugDescription))
        default:
            self.init(.invalidValue, "\(error)")
        }
    }

    /// `at inputs.corpus: …`, or `at top level: …`.
    private static func describe(_ path: [any CodingKey], _ what: String) -> String {
        var text = ""
        for key in path {
            if key is IPLDCodingKey, let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return "at \(text.isEmpty ? "top level" : text): \(what)"
    }
}
