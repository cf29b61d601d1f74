/// An error raised by the Provenance module: node keys, provenance objects, lineage and exports.
///
/// Every error carries a ``Code`` that callers can match on and a one-line message that says what
/// was wrong and where (a file, a CID, a field). Messages never include key material.
public struct ProvenanceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The node key file exists but cannot be read as a Shoal Ed25519 key (it is never replaced).
        public static let corruptKey = Code("corrupt node key")
        /// The node key file or its folder could not be read, created or written.
        public static let keyStorage = Code("key storage")
        /// Text that should be a `did:key` is not one.
        public static let invalidDIDKey = Code("invalid did:key")
        /// A `did:key` names a key type other than Ed25519.
        public static let unsupportedKeyType = Code("unsupported key type")
        /// A block holds a different kind of object than expected (a step where a recipe was asked for).
        public static let wrongObjectType = Code("wrong object type")
        /// A block holds a Shoal object of a version this build does not read (`shoal.step/2`).
        public static let unsupportedVersion = Code("unsupported version")
        /// A provenance object is malformed or inconsistent (a step that does not link its recipe).
        public static let invalidObject = Code("invalid object")
        /// An export cannot be produced (a step whose outputs are not sha2-256 CIDs, a missing block).
        public static let exportFailed = Code("export failed")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
