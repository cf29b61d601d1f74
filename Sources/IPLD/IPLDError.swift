/// An error raised while parsing or encoding content-addressed data.
///
/// Every error carries a ``Code`` that callers can match on and a message that says what was wrong
/// and where (an offset, a field, the offending text), so it can be shown to a user as one line.
public struct IPLDError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }
        /// For codes declared in extensions of this module.
        init(uncheckedName name: String) { self.name = name }
        public var description: String { name }

        /// A varint was truncated, too long, or not in its minimal form.
        public static let invalidVarint = Code("invalid varint")
        /// Text in a multibase encoding could not be decoded.
        public static let invalidMultibase = Code("invalid multibase")
        /// A multihash was truncated or its digest length did not match.
        public static let invalidMultihash = Code("invalid multihash")
        /// A CID string or binary form was malformed.
        public static let invalidCID = Code("invalid CID")
        /// A dag-pb block did not follow the dag-pb specification.
        public static let invalidDagPB = Code("invalid dag-pb")
        /// A dag-cbor block was malformed or not in canonical (strict) form.
        public static let invalidDagCBOR = Code("invalid dag-cbor")
        /// A dag-json document was malformed.
        public static let invalidDagJSON = Code("invalid dag-json")
        /// A value cannot be represented in the requested codec.
        public static let unsupportedValue = Code("unsupported value")
        /// A block's bytes do not hash to the digest in its CID.
        public static let hashMismatch = Code("hash mismatch")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
