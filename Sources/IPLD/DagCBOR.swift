/// dag-cbor: the canonical binary codec of the IPLD data model (multicodec `0x71`).
///
/// dag-cbor is CBOR (RFC 8949) restricted so that every value has exactly one encoding, and so
/// one CID (ipld.io/specs/codecs/dag-cbor/spec/). Shoal's provenance objects are stored in it.
///
/// The encoder always writes the canonical form:
/// - integers, lengths and the tag in their shortest form;
/// - map keys sorted by length first, then bytewise (RFC 8949 §4.2 "length-first" order);
/// - floats always as 64-bit doubles; NaN and ±Infinity are refused;
/// - links as tag 42 around a byte string holding `0x00` (the identity multibase prefix) and
///   the binary CID;
/// - definite lengths only.
///
/// The decoder is strict: the spec allows decoders to be lenient with old data, but Shoal
/// re-encodes what it reads and must get the same CID back, so it rejects everything the encoder
/// would not have written: non-shortest integers, lengths and tags; unsorted or duplicate map
/// keys; indefinite lengths and "break"; tags other than 42; 16- and 32-bit floats; NaN and
/// ±Infinity; non-string map keys; invalid UTF-8; `undefined` and other simple values; bytes
/// after the top-level value; and nesting deeper than ``defaultMaxDepth``. Each error has its
/// own ``IPLDError/Code`` (see `IPLDError+Codecs.swift`) and names the byte offset.
///
/// ```swift
/// let bytes = try DagCBOR.encode(["hello": "world", "n": 1])
/// let value = try DagCBOR.decode(bytes)          // the same IPLDValue
/// let block = try Block(dagCBOR: value)          // bytes + CIDv1 (bafyrei…)
/// ```
public enum DagCBOR {
    /// The deepest nesting of lists and maps the encoder writes and the decoder accepts.
    ///
    /// Decoding recurses once per level, so a limit keeps a hostile block from exhausting the
    /// stack. Real IPLD documents are far shallower.
    public static let defaultMaxDepth = 256

    /// Encodes `value` in canonical dag-cbor.
    ///
    /// - Throws: ``IPLDError/Code/nonFiniteFloat`` for NaN or ±Infinity, and
    ///   ``IPLDError/Code/nestingTooDeep`` past `maxDepth` nested lists and maps.
    public static func encode(_ value: IPLDValue, maxDepth: Int = defaultMaxDepth) throws -> [UInt8] {
        var writer = DagCBORWriter(maxDepth: maxDepth)
        try writer.write(value, depth: 0)
        return writer.out
    }

    /// Decodes a complete dag-cbor block, rejecting anything not in canonical form.
    ///
    /// - Throws: an ``IPLDError`` naming the rule broken and the byte offset where.
    public static func decode(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws -> IPLDValue {
        var reader = DagCBORReader(bytes, maxDepth: maxDepth, collectLinks: false)
        return try reader.readDocument()
    }

    /// The links in a dag-cbor block in the order they are stored, after a full strict decode.
    public static func links(in bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws -> [CID] {
        var reader = DagCBORReader(bytes, maxDepth: maxDepth, collectLinks: true)
        _ = try reader.readDocument()
        return reader.links
    }

    /// Encodes a Codable value as dag-cbor through ``IPLDEncoder``.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        try encode(IPLDEncoder().encode(value))
    }

    /// Decodes a Codable value from a dag-cbor block through ``IPLDDecoder``.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try IPLDDecoder().decode(type, from: decode(bytes))
    }
}

/// CBOR major types (RFC 8949 §3.1).
enum CBORMajor: UInt8 {
    case unsigned = 0, negative = 1, bytes = 2, string = 3, array = 4, map = 5, tag = 6, simple = 7
}

extension DagCBOR {
    /// The only tag dag-cbor allows: an IPLD link (CID).
    static let linkTag: UInt64 = 42
}
