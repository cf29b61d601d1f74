#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

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
    /// child's `target` (the sources are close-on-exec, so nothing else leaks). The child gets an
    /// empty signal mask and default dispositions: Swift threads block signals, and the mask would
    /// otherwise survive exec.
    static func spawn(path: String, arguments: [String], environment: [String], descriptors: [(Int32, Int32)]) throws
        -> pid_t
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        for (source, target) in descriptors { posix_spawn_file_actions_adddup2(&actions, source, target) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard code == 0 else { throw SandboxError(.launchFailed, "cannot start \(path): \(describe(errno: code))") }
        return pid
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
