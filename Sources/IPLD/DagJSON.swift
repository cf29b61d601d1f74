/// dag-json: the IPLD data model as JSON (multicodec `0x0129`).
///
/// dag-json is JSON (RFC 8259) with two reserved shapes for the kinds JSON lacks
/// (ipld.io/specs/codecs/dag-json/spec/):
/// - a link is `{"/":"bafy…"}` (CIDv1 in base32, CIDv0 as `Qm…`);
/// - bytes are `{"/":{"bytes":"<base64, standard alphabet, no padding>"}}`.
///
/// The encoder writes the deterministic form the spec requires: no whitespace, map keys sorted
/// bytewise by their UTF-8 (plain byte order, *not* dag-cbor's length-first order; the official
/// codec fixtures show `{"aaaaaa":…,"bbbbb":…,"f":…}`), integers in decimal, floats in the
/// shortest text that reads back to the same double, in JavaScript's notation (`0.5`, `1e-7`,
/// `1e+21`) and always with a `.` or exponent so they stay floats (`1.0`, not `1`; `-0.0`
/// keeps its sign). Strings are escaped as `JSON.stringify` does (`\"`, `\\`, `\b`, `\f`, `\n`,
/// `\r`, `\t`, other control characters as `\u00xx`); everything else is written as UTF-8.
///
/// The decoder follows the spec's advice to accept any key order and whitespace, and rejects:
/// malformed JSON, duplicate keys, misuse of the reserved `"/"` key (a `"/"` link or bytes form
/// with extra keys, or a map that would re-encode into one), invalid CIDs and base64, integers
/// outside -2^64…2^64-1, floats that overflow to ±Infinity, invalid UTF-8 and lone surrogate
/// escapes, and nesting deeper than ``defaultMaxDepth``. A number with a `.` or an exponent is a
/// float, any other number an integer. Errors name the byte offset, line and column.
///
/// ```swift
/// let value = try DagJSON.decode(#"{"data":{"/":{"bytes":"AQID"}},"n":1}"#)
/// try DagJSON.string(value)   // the same text
/// try DagCBOR.encode(value)   // the same data in dag-cbor
/// ```
public enum DagJSON {
    /// The deepest nesting of lists and maps the encoder writes and the decoder accepts.
    public static let defaultMaxDepth = DagCBOR.defaultMaxDepth

    /// Encodes `value` as deterministic dag-json (UTF-8 bytes).
    ///
    /// - Throws: ``IPLDError/Code/nonFiniteFloat`` for NaN or ±Infinity,
    ///   ``IPLDError/Code/reservedKey`` for a map that dag-json would read back as a link or
    ///   bytes, and ``IPLDError/Code/nestingTooDeep`` past `maxDepth` nested lists and maps.
    public static func encode(_ value: IPLDValue, maxDepth: Int = defaultMaxDepth) throws -> [UInt8] {
        var writer = DagJSONWriter(maxDepth: maxDepth)
        try writer.write(value, depth: 0)
        return writer.out
    }

    /// Encodes `value` as deterministic dag-json text.
    public static func string(_ value: IPLDValue, maxDepth: Int = defaultMaxDepth) throws -> String {
        String(decoding: try encode(value, maxDepth: maxDepth), as: UTF8.self)
    }

    /// Decodes a complete dag-json document.
    ///
    /// - Throws: an ``IPLDError`` naming the problem and its offset, line and column.
    public static func decode(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws -> IPLDValue {
        var parser = DagJSONParser(bytes, maxDepth: maxDepth, collectLinks: false)
        return try parser.readDocument()
    }

    /// Decodes a complete dag-json document given as text.
    public static func decode(_ text: String, maxDepth: Int = defaultMaxDepth) throws -> IPLDValue {
        try decode(Array(text.utf8), maxDepth: maxDepth)
    }

    /// The links in a dag-json document in the order they appear, after a full decode.
    public static func links(in bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws -> [CID] {
        var parser = DagJSONParser(bytes, maxDepth: maxDepth, collectLinks: true)
        _ = try parser.readDocument()
        return parser.links
    }

    /// Encodes a Codable value as dag-json through ``IPLDEncoder``.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        try encode(IPLDEncoder().encode(value))
    }

    /// Decodes a Codable value from a dag-json document through ``IPLDDecoder``.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try IPLDDecoder().decode(type, from: decode(bytes))
    }

    /// Whether a map, written as dag-json, would read back as a link or bytes (or be rejected
    /// as a malformed one): its first key is `"/"` and that key's value is a string, or a map
    /// whose first key is `"bytes"` with a string value. dag-json has no escape for such maps.
    static func collidesWithReservedForm(_ map: IPLDMap) -> Bool {
        guard let first = map.entries.first, first.key == "/" else { return false }
        switch first.value {
        case .string:
            return true
        case .map(let inner):
            guard let innerFirst = inner.entries.first, innerFirst.key == "bytes" else { return false }
            if case .string = innerFirst.value { return true }
            return false
        default:
            return false
        }
    }
}
