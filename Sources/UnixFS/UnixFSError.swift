import IPLD

/// An error raised while importing or exporting UnixFS data.
///
/// Every error carries a ``Code`` to match on and a one-line message that names what was wrong
/// and where: the CID of the offending block, the path of the offending file, the system call and
/// its errno.
///
/// ```swift
/// do { try exporter.cat(cid, to: 1) }
/// catch let error as UnixFSError where error.code == .missingBlock { … }
/// ```
public struct UnixFSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A UnixFS `Data` message or a UnixFS DAG does not follow the UnixFS spec.
        public static let invalidData = Code("invalid UnixFS data")
        /// A block's bytes do not hash to its CID (the source is corrupt or untrusted).
        public static let corruptBlock = Code("corrupt block")
        /// A block needed to finish the operation is not available.
        public static let missingBlock = Code("missing block")
        /// A chunker string (`size-N`) could not be parsed or is out of range.
        public static let invalidChunker = Code("invalid chunker")
        /// An import setting is out of range (max links, HAMT fanout).
        public static let invalidProfile = Code("invalid import profile")
        /// A system call failed (open, read, write, mkdir, …).
        public static let io = Code("I/O error")
        /// The input is of a kind that cannot be imported or exported (a socket, a device, a
        /// directory without `recursive`, a codec UnixFS does not use).
        public static let unsupported = Code("unsupported")
        /// A path does not name an entry (no such name in a directory).
        public static let notFound = Code("not found")
        /// An operation on files was asked of something that is not a file.
        public static let notAFile = Code("not a file")
        /// A path continues through something that is not a directory.
        public static let notADirectory = Code("not a directory")
        /// A directory entry name would escape or corrupt the target (`..`, `/`, NUL, empty).
        public static let unsafeName = Code("unsafe entry name")
        /// The export target already exists.
        public static let alreadyExists = Code("already exists")
        /// A byte range lies outside the file.
        public static let invalidRange = Code("invalid range")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

extension UnixFSError {
    /// A malformed UnixFS node, naming its CID.
    static func invalid(_ cid: CID, _ what: String) -> UnixFSError {
        UnixFSError(.invalidData, "block \(cid): \(what)")
    }
}
