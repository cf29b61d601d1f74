import IPLD
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One walk over a file tree for ``UnixFSImporter/importPath(_:options:progress:onEntry:)``.
///
/// Entries are opened relative to their directory's descriptor (`openat`, `fstatat` with
/// `AT_SYMLINK_NOFOLLOW`, `O_NOFOLLOW`), so a symlink is never followed, whatever it points to,
/// and long paths are no problem. Names are read as bytes and must be UTF-8 (dag-pb link names
/// are UTF-8 strings).
struct TreeWalk {
    let importer: UnixFSImporter
    let options: ImportOptions
    let progress: ((UInt64) -> Void)?
    let onEntry: ((ImportedEntry) -> Void)?
    private(set) var bytesRead: UInt64 = 0
    private(set) var entryCount = 0

    init(importer: UnixFSImporter, options: ImportOptions, progress: ((UInt64) -> Void)?,
         onEntry: ((ImportedEntry) -> Void)?) {
        self.importer = importer
        self.options = options
        self.progress = progress
        self.onEntry = onEntry
    }

    mutating func report(_ entry: ImportedEntry) {
        entryCount += 1
        onEntry?(entry)
    }

    /// Imports the entry `name` of the directory open at `dirFD` (or a path, with `AT_FDCWD`).
    ///
    /// - Parameters:
    ///   - path: the entry's path, for error messages.
    ///   - display: the entry's path as reported in ``ImportedEntry/path``.
    mutating func importEntry(at path: String, dirFD: Int32, name: String, display: String, info: stat) throws -> ImportedEntry {
        let entry: ImportedEntry
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            let fd = try systemCall("open", path) { openat(dirFD, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
            defer { close(fd) }
            _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
            var total = bytesRead
            let link = try importer.buildFile(FileDescriptorReader(fd: fd, name: path)) { [progress] n in
                total += UInt64(n)
                progress?(total)
            }
            bytesRead = total
            entry = ImportedEntry(path: display, cid: link.cid, kind: .file, size: link.contentSize, dagSize: link.dagSize)
        case S_IFDIR:
            guard options.recursive else {
                throw UnixFSError(.unsupported, "'\(path)' is a directory (import it recursively, -r)")
            }
            let link = try importDirectory(at: path, dirFD: dirFD, name: name, display: display)
            entry = ImportedEntry(path: display, cid: link.cid, kind: .directory, size: link.contentSize, dagSize: link.dagSize)
        case S_IFLNK:
            let link = try importer.buildSymlink(target: try Self.readLink(dirFD: dirFD, name: name, path: path))
            entry = ImportedEntry(path: display, cid: link.cid, kind: .symlink, size: link.contentSize, dagSize: link.dagSize)
        default:
            throw UnixFSError(.unsupported, "'\(path)' is not a regular file, directory or symlink (a socket, FIFO or device)")
        }
        report(entry)
        return entry
    }

    private mutating func importDirectory(at path: String, dirFD: Int32, name: String, display: String) throws -> DAGLink {
        let fd = try systemCall("open", path) { openat(dirFD, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW) }
        defer { close(fd) }
        var entries: [DirectoryBuilder.Entry] = []
        for childName in try Self.listDirectory(fd: fd, path: path) {
            if !options.includeHidden && childName.hasPrefix(".") { continue }
            let childPath = path.hasSuffix("/") ? path + childName : path + "/" + childName
            var info = stat()
            try systemCall("stat", childPath) { fstatat(fd, childName, &info, AT_SYMLINK_NOFOLLOW) }
            let child = try importEntry(
                at: childPath, dirFD: fd, name: childName, display: display + "/" + childName, info: info)
            // A directory's size counts file bytes only, not symlink targets.
            let contentSize = child.kind == .symlink ? 0 : child.size
            entries.append(DirectoryBuilder.Entry(name: childName, cid: child.cid, dagSize: child.dagSize, contentSize: contentSize))
        }
        return try DirectoryBuilder(profile: importer.profile, sink: importer.sink).build(entries, path: path)
    }

    /// The names in a directory (without `.` and `..`), in byte order.
    private static func listDirectory(fd: Int32, path: String) throws -> [String] {
        // fdopendir takes ownership of the descriptor it is given, so give it a duplicate.
        let dupFD = try systemCall("dup", path) { dup(fd) }
        guard let dir = fdopendir(dupFD) else {
            let code = errno
            close(dupFD)
            throw UnixFSError.system("opendir", path, errno: code)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw UnixFSError.system("readdir", path, errno: errno) }
                break
            }
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix(while: { $0 != 0 }))
            }
            if bytes == [0x2e] || bytes == [0x2e, 0x2e] { continue }
            guard let name = String(validating: bytes, as: UTF8.self) else {
                let shown = String(decoding: bytes, as: UTF8.self)
                throw UnixFSError(.unsupported, "'\(path)/\(shown)': the name is not valid UTF-8")
            }
            names.append(name)
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// A symlink's target, as bytes (it need not be UTF-8, or point anywhere).
    private static func readLink(dirFD: Int32, name: String, path: String) throws -> [UInt8] {
        var capacity = 256
        while true {
            var buffer = [UInt8](repeating: 0, count: capacity)
            let n = try systemCall("readlink", path) {
                buffer.withUnsafeMutableBytes { readlinkat(dirFD, name, $0.baseAddress!.assumingMemoryBound(to: CChar.self), capacity) }
            }
            if n < capacity { return Array(buffer[..<n]) }
            capacity *= 2
        }
    }
}
