#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one system call, retrying on `EINTR`, and turns a `-1` result into a ``UnixFSError``
/// that names the call, the path it was about and the errno text.
///
/// ```swift
/// let fd = try systemCall("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
/// ```
@discardableResult
func systemCall<T: BinaryInteger>(_ name: String, _ path: String, _ body: () -> T) throws -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = errno
        if code == EINTR { continue }
        throw UnixFSError.system(name, path, errno: code)
    }
}

extension UnixFSError {
    /// The error for a failed system call: `open '/a/b': No such file or directory (errno 2)`.
    static func system(_ call: String, _ path: String, errno code: Int32) -> UnixFSError {
        let text = String(cString: strerror(code))
        return UnixFSError(.io, "\(call) '\(path)': \(text) (errno \(code))")
    }
}

/// Whether anything (a file, a directory, even a dangling symlink) exists at `path`.
func pathExists(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0
}
