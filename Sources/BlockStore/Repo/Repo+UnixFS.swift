import IPLD
import UnixFS

/// What `shoal add` stores and how: the import settings plus whether to pin the result.
public struct AddRequest: Sendable {
    public var profile: ImportProfile
    public var options: ImportOptions
    /// Pin the root recursively (`--pin`, the default).
    public var pin: Bool
    /// A label for the pin.
    public var pinName: String?

    public init(profile: ImportProfile = .shoalDefault, options: ImportOptions = ImportOptions(),
                pin: Bool = true, pinName: String? = nil) {
        self.profile = profile
        self.options = options
        self.pin = pin
        self.pinName = pinName
    }
}

extension Repo {
    /// Imports a file or directory tree into the store and pins its root, in one write
    /// session so gc cannot remove the new blocks before the pin exists.
    ///
    /// ```swift
    /// let repo = try Repo(home: Repo.defaultHome())
    /// let result = try repo.add("dataset", AddRequest(options: ImportOptions(recursive: true)))
    /// print(result.cid)   // bafy…
    /// ```
    ///
    /// - Parameters:
    ///   - progress: total file bytes read so far, after every chunk.
    ///   - onEntry: every file, directory and symlink written, children before parents.
    /// - Throws: ``UnixFS/UnixFSError`` for the input, ``BlockStoreError`` for the store.
    public func add(
        _ path: String, _ request: AddRequest = AddRequest(),
        progress: ((UInt64) -> Void)? = nil, onEntry: ((ImportedEntry) -> Void)? = nil
    ) throws -> ImportResult {
        try write { writer in
            let importer = UnixFSImporter(profile: request.profile, sink: writer)
            let result = try importer.importPath(path, options: request.options, progress: progress, onEntry: onEntry)
            if request.pin { try writer.pin(result.cid, name: request.pinName) }
            return result
        }
    }

    /// Imports one file read from `reader` (standard input, say) and pins it.
    public func addFile<Reader: ByteReader>(
        from reader: Reader, _ request: AddRequest = AddRequest(), progress: ((UInt64) -> Void)? = nil
    ) throws -> ImportedEntry {
        try write { writer in
            let entry = try UnixFSImporter(profile: request.profile, sink: writer).importFile(from: reader, progress: progress)
            if request.pin { try writer.pin(entry.cid, name: request.pinName) }
            return entry
        }
    }

    /// Imports bytes held in memory as one file and pins it (step logs, small outputs).
    public func addBytes(_ bytes: [UInt8], _ request: AddRequest = AddRequest()) throws -> ImportedEntry {
        try addFile(from: MemoryReader(bytes), request)
    }

    /// A UnixFS exporter reading from this store: `cat`, `get`, `ls`, path resolution.
    public var unixfs: UnixFSExporter { UnixFSExporter(source: self) }
}
