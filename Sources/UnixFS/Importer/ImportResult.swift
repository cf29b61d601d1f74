import IPLD

/// What to import besides the bytes: the `add` flags that are not part of the ``ImportProfile``.
public struct ImportOptions: Hashable, Sendable {
    /// Import a directory and everything under it (`-r`). Without it a directory is an error.
    public var recursive: Bool
    /// Include names starting with `.` inside directories (`--hidden`); the path given to
    /// ``UnixFSImporter/importPath(_:options:progress:onEntry:)`` itself is always included.
    public var includeHidden: Bool
    /// Put the result in a directory of its own, under its base name (`-w`).
    public var wrapWithDirectory: Bool

    public init(recursive: Bool = false, includeHidden: Bool = false, wrapWithDirectory: Bool = false) {
        self.recursive = recursive
        self.includeHidden = includeHidden
        self.wrapWithDirectory = wrapWithDirectory
    }
}

/// One file, directory or symlink that an import wrote, as `ipfs add` reports it.
public struct ImportedEntry: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case file, directory, symlink
    }

    /// The entry's path as `add` prints it: the base name of the imported path, then `/`-joined
    /// names below it (`photos/2024/a.jpg`); the wrapping directory of `-w` has the empty path.
    public let path: String
    public let cid: CID
    public let kind: Kind
    /// File bytes: for a directory, the sum over the files inside it (symlinks not counted); for a
    /// symlink, the length of its target.
    public let size: UInt64
    /// The total encoded size of the entry's DAG, every block counted once per link (`Tsize`).
    public let dagSize: UInt64

    public init(path: String, cid: CID, kind: Kind, size: UInt64, dagSize: UInt64) {
        self.path = path
        self.cid = cid
        self.kind = kind
        self.size = size
        self.dagSize = dagSize
    }
}

/// The outcome of an import.
public struct ImportResult: Hashable, Sendable {
    /// The root: the imported file or directory, or the wrapping directory.
    public let root: ImportedEntry
    /// File bytes read from the input.
    public let bytesRead: UInt64
    /// Files, directories and symlinks written (the wrapping directory included).
    public let entryCount: Int

    public var cid: CID { root.cid }
}
