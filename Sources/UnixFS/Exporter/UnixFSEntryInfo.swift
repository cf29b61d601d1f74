import IPLD

/// What kind of UnixFS entry a CID names, and how big it is: `shoal ls` and `stat`.
public struct UnixFSEntryInfo: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CustomStringConvertible {
        case file, directory, symlink
        public var description: String { rawValue }
    }

    public let cid: CID
    public let kind: Kind
    /// File bytes for a file, the target's length for a symlink, `nil` for a directory.
    public let size: UInt64?
    /// Whether a directory is HAMT-sharded.
    public let isSharded: Bool
    /// A symlink's target (as stored; it need not be UTF-8, or exist).
    public let symlinkTarget: [UInt8]?

    init(cid: CID, node: UnixFSNode) {
        self.cid = cid
        switch node {
        case .file(let file):
            (kind, size, isSharded, symlinkTarget) = (.file, file.size, false, nil)
        case .directory:
            (kind, size, isSharded, symlinkTarget) = (.directory, nil, false, nil)
        case .hamtShard:
            (kind, size, isSharded, symlinkTarget) = (.directory, nil, true, nil)
        case .symlink(let target):
            (kind, size, isSharded, symlinkTarget) = (.symlink, UInt64(target.count), false, target)
        }
    }
}

/// One entry of a directory listing.
public struct UnixFSDirectoryEntry: Hashable, Sendable {
    public let name: String
    public let cid: CID
    /// The entry's kind, when the listing resolved types.
    public let kind: UnixFSEntryInfo.Kind?
    /// File bytes (or symlink target length), when the listing resolved types; `nil` for
    /// directories.
    public let size: UInt64?
    /// The DAG size the directory records for the entry (`Tsize`), a hint that may be absent.
    public let dagSize: UInt64?
}
