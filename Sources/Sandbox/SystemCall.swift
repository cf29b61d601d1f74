#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

import Spawning

/// glibc's pipe2, which the Glibc module does not export (it is declared under _GNU_SOURCE).
@_silgen_name("pipe2")
private func systemPipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32

/// The few system calls the Swift side makes, each retried on `EINTR` and turned into a
/// ``SandboxError`` that names the call and the errno text.
enum SystemCall {
    /// Runs `body` until it does not fail with `EINTR`; throws for any other failure (`-1`).
    @discardableResult
    static func retrying(_ name: String, _ body: () -> Int32) throws -> Int32 {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = errno
            if code == EINTR { continue }
            throw SandboxError(.io, "\(name): \(describe(errno: code))")
        }
    }

    static func describe(errno code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// A close-on-exec pipe.
    static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        try retrying("pipe2") { systemPipe2(&fds, O_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// Starts `path` with `arguments` (argv[0] included) and an explicit environment.
    ///
    /// Standard input reads `/dev/null`; each `(source, target)` in `descriptors` becomes the
    /// child's `target` (a standard output or error not named is this process's); every other
    /// descriptor is closed in the child. See ``Spawning/ProcessSpawner`` for the signal state.
    static func spawn(path: String, arguments: [String], environment: [String], descriptors: [(Int32, Int32)]) throws
        -> pid_t
    {
        func stream(_ target: Int32) -> SpawnRequest.Stream {
            descriptors.first { $0.1 == target }.map { .descriptor($0.0) } ?? .inherited
        }
        let request = SpawnRequest(
            executable: path, arguments: arguments, environment: environment,
            standardOutput: stream(1), standardError: stream(2),
            descriptors: descriptors.filter { $0.1 > 2 }.map { (source: $0.0, target: $0.1) })
        do {
            return try ProcessSpawner.spawn(request)
        } catch {
            throw SandboxError(.launchFailed, "cannot start \(path): \(describe(errno: error.errno))")
        }
    }

    /// Writes all of `bytes` to `fd`.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = try retrying("write") { Int32(write(fd, bytes.baseAddress! + offset, bytes.count - offset)) }
            offset += Int(written)
        }
    }
}
