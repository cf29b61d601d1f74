#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place BlockStore calls into the C library for file work.
///
/// Each helper retries on `EINTR` and turns a failure into a ``BlockStoreError`` with code
/// ``BlockStoreError/Code/io`` that names the call, the path and the errno text, so an error
/// printed by the CLI says exactly which file and which operation failed.
enum SystemCall {
    /// Runs `call` until it does not fail with `EINTR`; throws on any other failure (-1).
    @inline(__always)
    static func retrying<T: FixedWidthInteger>(_ name: StaticString, _ path: String, _ call: () -> T) throws -> T {
        while true {
            let result = call()
            if result != -1 { return result }
            let code = errno
            if code == EINTR { continue }
            throw error(name, path, code)
        }
    }

    /// The error for a failed call `name` on `path` with `code` as errno.
    static func error(_ name: StaticString, _ path: String, _ code: Int32) -> BlockStoreError {
        BlockStoreError(.io, "\(name)(\(path)) failed: \(String(cString: strerror(code))) (errno \(code))")
    }

    /// Opens `path`; returns `nil` instead of throwing when it does not exist (`ENOENT`).
    static func openIfExists(_ path: String, _ flags: Int32, mode: mode_t = 0) throws -> Int32? {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            let code = errno
            if code == EINTR { continue }
            if code == ENOENT { return nil }
            throw error("open", path, code)
        }
    }

    /// Creates a directory; an existing one is fine.
    static func makeDirectory(_ path: String) throws {
        if mkdir(path, 0o755) == 0 { return }
        let code = errno
        if code == EEXIST { return }
        throw error("mkdir", path, code)
    }

    /// Creates a directory and its missing parents.
    static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            try makeDirectory(prefix)
            prefix += "/"
        }
    }

    /// Writes all of `bytes` to `fd`, continuing after short writes.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = try retrying("write", path) { write(fd, base, remaining) }
            base += written
            remaining -= written
        }
    }

    /// One `read(2)` into `buffer`: the number of bytes read, 0 at the end of the input.
    static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, path: String) throws -> Int {
        try retrying("read", path) { read(fd, buffer, count) }
    }

    /// Reads the whole file at `path` into a new array sized from `fstat`, with one read loop and
    /// no intermediate buffer. Returns `nil` when the file does not exist.
    static func readFile(_ path: String) throws -> [UInt8]? {
        guard let fd = try openIfExists(path, O_RDONLY) else { return nil }
        defer { close(fd) }
        var info = stat()
        _ = try retrying("fstat", path) { fstat(fd, &info) }
        let size = Int(info.st_size)
        if size == 0 { return [] }
        return try [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let n = try retrying("read", path) { read(fd, buffer.baseAddress! + count, size - count) }
                if n == 0 { break }  // the file shrank under us: return what is there
                count += n
            }
        }
    }

    /// Reads the whole file at `path` into `buffer` (growing it when the file is larger) and
    /// returns its length, or `nil` when the file does not exist.
    static func readFile(_ path: String, into buffer: inout [UInt8]) throws -> Int? {
        guard let fd = try openIfExists(path, O_RDONLY) else { return nil }
        defer { close(fd) }
        var info = stat()
        _ = try retrying("fstat", path) { fstat(fd, &info) }
        let size = Int(info.st_size)
        if buffer.count < size { buffer = [UInt8](repeating: 0, count: size) }
        return try buffer.withUnsafeMutableBytes { raw in
            var count = 0
            while count < size {
                let n = try retrying("read", path) { read(fd, raw.baseAddress! + count, size - count) }
                if n == 0 { break }
                count += n
            }
            return count
        }
    }

    /// The size of the regular file at `path`, or `nil` when it does not exist.
    static func fileSize(_ path: String) throws -> Int? {
        var info = stat()
        while stat(path, &info) != 0 {
            let code = errno
            if code == EINTR { continue }
            if code == ENOENT || code == ENOTDIR { return nil }
            throw error("stat", path, code)
        }
        return Int(info.st_size)
    }

    /// Flushes a directory's entries (a rename or create inside it) to disk.
    static func syncDirectory(_ path: String) throws {
        let fd = try retrying("open", path) { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        _ = try retrying("fsync", path) { fsync(fd) }
    }

    /// `syncfs(fd)`: flushes the whole file system that holds `fd`.
    ///
    /// Glibc declares `syncfs` only under `_GNU_SOURCE`, which Swift's Glibc module does not set,
    /// so it is looked up at run time; where it is missing, `sync()` flushes every file system.
    static func syncFileSystem(_ fd: Int32) -> Int32 {
        typealias SyncFS = @convention(c) (Int32) -> Int32
        if let symbol = syncfsSymbol {
            return unsafeBitCast(symbol, to: SyncFS.self)(fd)
        }
        sync()
        return 0
    }

    private nonisolated(unsafe) static let syncfsSymbol: UnsafeMutableRawPointer? = dlsym(nil, "syncfs")

    /// Removes a file; returns `false` when it was already gone.
    @discardableResult
    static func removeFile(_ path: String) throws -> Bool {
        if unlink(path) == 0 { return true }
        let code = errno
        if code == ENOENT { return false }
        throw error("unlink", path, code)
    }

    /// The names in a directory (without `.` and `..`), each with whether it is a directory.
    ///
    /// Returns `nil` when the directory does not exist.
    static func listDirectory(_ path: String) throws -> [(name: String, isDirectory: Bool)]? {
        guard let dir = opendir(path) else {
            let code = errno
            if code == ENOENT { return nil }
            throw error("opendir", path, code)
        }
        defer { closedir(dir) }
        var entries: [(String, Bool)] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            var isDirectory = Int32(entry.pointee.d_type) == Int32(DT_DIR)
            if Int32(entry.pointee.d_type) == Int32(DT_UNKNOWN) {
                var info = stat()
                if stat(path + "/" + name, &info) == 0 { isDirectory = (info.st_mode & S_IFMT) == S_IFDIR }
            }
            entries.append((name, isDirectory))
        }
        return entries
    }
}
