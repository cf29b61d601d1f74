import IPLD
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a UnixFS DAG to disk for ``UnixFSExporter/get(_:to:progress:)``.
///
/// The DAG may come from anyone, so nothing it says may reach outside the target:
/// - every entry name is checked first: empty, `.`, `..`, names with `/` or NUL, and names that
///   appear twice in one directory are refused;
/// - everything is created relative to its parent directory's descriptor with `O_EXCL` /
///   `mkdirat` / `symlinkat`, and directories are opened with `O_NOFOLLOW`, so an existing file
///   or a symlink the DAG created earlier is never written through;
/// - symlinks are recreated as symlinks, with their targets as given (a symlink pointing outside
///   the target is a symlink, not a write outside it).
struct TreeWriter {
    let fetcher: BlockFetcher
    let progress: ((UInt64) -> Void)?
    private(set) var bytesWritten: UInt64 = 0

    init(fetcher: BlockFetcher, progress: ((UInt64) -> Void)?) {
        self.fetcher = fetcher
        self.progress = progress
    }

    /// The deepest directory nesting written.
    static let maxDepth = 4096

    /// Writes `cid` as `name` inside the directory open at `dirFD` (or at the path `name` when
    /// `dirFD` is `AT_FDCWD`).
    mutating func write(_ cid: CID, dirFD: Int32, name: String, path: String, depth: Int) throws {
        guard depth <= Self.maxDepth else {
            throw UnixFSError(.unsupported, "'\(path)': directories nested deeper than \(Self.maxDepth) levels")
        }
        let node = try fetcher.node(cid)
        switch node {
        case .file(let file):
            let fd = try systemCall("create", path) {
                openat(dirFD, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            }
            defer { close(fd) }
            let output = FileDescriptorWriter(fd: fd, path: path)
            try FileReader(fetcher: fetcher).read(file, cid: cid, range: 0..<file.size) { piece in
                try output.write(piece)
                bytesWritten += UInt64(piece.count)
                progress?(bytesWritten)
            }
        case .symlink(let target):
            guard !target.contains(0) else { throw UnixFSError.invalid(cid, "symlink target contains a NUL byte") }
            let text = target + [0]
            try systemCall("symlink", path) {
                text.withUnsafeBufferPointer { symlinkat(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), dirFD, name) }
            }
        case .directory, .hamtShard:
            let entries = try DirectoryReader(fetcher: fetcher).entries(of: node, cid: cid)
            try Self.checkNames(entries, directory: cid, path: path)
            try systemCall("mkdir", path) { mkdirat(dirFD, name, 0o755) }
            let fd = try systemCall("open", path) { openat(dirFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            defer { close(fd) }
            for entry in entries {
                try write(entry.cid, dirFD: fd, name: entry.name, path: path + "/" + entry.name, depth: depth + 1)
            }
        }
    }

    /// Refuses entry names that could escape or clobber: see the type's overview.
    static func checkNames(_ entries: [DirectoryReader.Entry], directory: CID, path: String) throws {
        var seen: Set<[UInt8]> = []
        for entry in entries {
            let bytes = Array(entry.name.utf8)
            let problem: String? =
                if bytes.isEmpty { "an empty name" }
                else if bytes == [0x2e] || bytes == [0x2e, 0x2e] { "the name '\(entry.name)'" }
                else if bytes.contains(0x2f) { "a name with '/'" }
                else if bytes.contains(0) { "a name with a NUL byte" }
                else if !seen.insert(bytes).inserted { "the name '\(entry.name)' twice" }
                else { nil }
            if let problem {
                throw UnixFSError(.unsafeName, "directory \(directory) (at '\(path)') has an entry with \(problem); refusing to write it")
            }
        }
    }
}

/// Writes whole buffers to a file descriptor, retrying short writes and `EINTR`.
struct FileDescriptorWriter {
    let fd: Int32
    let path: String

    func write(_ buffer: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < buffer.count {
            let n = try systemCall("write", path) {
                systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            offset += n
        }
    }
}

/// `write(2)`, named so it does not clash with the method.
private func systemWrite(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, pointer, count)
}
