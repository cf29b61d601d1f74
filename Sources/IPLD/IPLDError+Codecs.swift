/// Error codes of the dag-cbor and dag-json codecs and of the Codable bridge.
///
/// Malformed input (truncated, not CBOR or JSON at all, a bad CID in a link) throws
/// ``IPLDError/Code/invalidDagCBOR`` or ``IPLDError/Code/invalidDagJSON``. Input that is
/// well-formed but breaks one of the codecs' strictness rules throws one of the specific codes
/// below, so callers and tests can tell exactly which rule was broken. Every message names the
/// codec and the byte offset of the offending item.
extension IPLDError.Code {
    /// An integer, length or tag was not written in its shortest form (dag-cbor).
    public static let nonShortestForm = IPLDError.Code(uncheckedName: "non-shortest encoding")
    /// An indefinite-length string, bytes, list or map, or a "break" byte (dag-cbor).
    public static let indefiniteLength = IPLDError.Code(uncheckedName: "indefinite length")
    /// Map keys out of canonical order (dag-cbor: shortest first, then bytewise).
    public static let unsortedMapKeys = IPLDError.Code(uncheckedName: "unsorted map keys")
    /// The same map key twice.
    public static let duplicateMapKey = IPLDError.Code(uncheckedName: "duplicate map key")
    /// A CBOR tag other than 42 (dag-cbor).
    public static let unsupportedTag = IPLDError.Code(uncheckedName: "unsupported tag")
    /// A 16- or 32-bit float; dag-cbor floats are always 64-bit.
    public static let nonDoubleFloat = IPLDError.Code(uncheckedName: "non-64-bit float")
    /// NaN, Infinity or -Infinity, which the IPLD data model does not have.
    public static let nonFiniteFloat = IPLDError.Code(uncheckedName: "non-finite float")
    /// A map key that is not a string (dag-cbor).
    public static let nonStringMapKey = IPLDError.Code(uncheckedName: "non-string map key")
    /// A string that is not valid UTF-8 (or, in dag-json, contains a lone surrogate escape).
    public static let invalidUTF8 = IPLDError.Code(uncheckedName: "invalid UTF-8")
    /// Bytes after the single top-level value.
    public static let trailingBytes = IPLDError.Code(uncheckedName: "trailing bytes")
    /// `undefined` or a CBOR simple value other than false, true and null (dag-cbor).
    public static let unsupportedSimpleValue = IPLDError.Code(uncheckedName: "unsupported simple value")
    /// Lists and maps nested deeper than the codec's limit.
    public static let nestingTooDeep = IPLDError.Code(uncheckedName: "nesting too deep")
    /// A map that misuses dag-json's reserved `"/"` key (the spec's "reserved namespace").
    public static let reservedKey = IPLDError.Code(uncheckedName: "reserved key")

    /// A value had a different kind from the one the Swift type expects (Codable bridge).
    public static let typeMismatch = IPLDError.Code(uncheckedName: "type mismatch")
    /// A required map key or list element was absent (Codable bridge).
    public static let missingValue = IPLDError.Code(uncheckedName: "missing value")
    /// A value of the right kind was not acceptable to the Swift type (Codable bridge).
    public static let invalidValue = IPLDError.Code(uncheckedName: "invalid value")
}
