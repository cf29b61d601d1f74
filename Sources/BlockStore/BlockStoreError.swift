/// An error raised by local block storage: the flat-file store, the pin set, gc, verify and CAR.
///
/// Every error carries a ``Code`` that callers can match on and a one-line message that names
/// what it is about (a CID, a path, a system call and its errno), so the CLI can print it as is.
///
/// ```swift
/// do { try repo.unpin(cid) }
/// catch let error as BlockStoreError where error.code == .notPinned { print(error) }
/// ```
public struct BlockStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A block, pin or file that was asked for does not exist.
        public static let notFound = Code("not found")
        /// Stored bytes do not hash to the multihash they are stored under.
        public static let corrupt = Code("corrupt block")
        /// A CAR file is malformed, exceeds a limit, or its blocks do not match their CIDs.
        public static let badCAR = Code("bad CAR")
        /// A pin (or gc, which must know every pinned block) needs a block the store lacks.
        public static let pinMissingBlock = Code("pinned block missing")
        /// `pin rm` of a CID that is not pinned (directly or recursively).
        public static let notPinned = Code("not pinned")
        /// A direct pin was asked for a CID that is already pinned recursively.
        public static let alreadyPinned = Code("already pinned")
        /// A block's links cannot be read because Shoal does not decode its codec.
        public static let unsupportedCodec = Code("unsupported codec")
        /// A system call on the repository's files failed.
        public static let io = Code("I/O error")
        /// The SQLite index or pin set failed.
        public static let database = Code("database error")
        /// The repository layout is missing pieces, or has a version this build does not know.
        public static let badRepo = Code("bad repository")
        /// Another process holds the repository lock and the caller asked not to wait.
        public static let busy = Code("repository busy")
        /// A ``RepoWriter`` was used after its ``Repo/write(wait:_:)`` session ended.
        public static let sessionClosed = Code("write session closed")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
