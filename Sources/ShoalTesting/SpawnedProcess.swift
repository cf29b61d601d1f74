import Foundation

@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func addChdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> Int32

@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32

/// A child process started with `posix_spawn`, for tests and tools that run other programs.
///
/// Foundation's `Process.run()` on Linux over-reads a directory entry while listing
/// `/proc/self/fd` and crashes now and then (swift-corelibs-foundation #5472, seen here in a full
/// test run), so what spawns many processes uses this instead. Standard input, output and error
/// are files (or `/dev/null`); every other descriptor is closed in the child; the child starts with
/// an empty signal mask and default dispositions (Swift threads block signals, and a blocked mask
/// would survive exec).
public final class SpawnedProcess: @unchecked Sendable {
    public let pid: pid_t
    private let condition = NSCondition()
    private var status: Int32?
    private var reaping = false

    /// Starts `executable` with `arguments` (argv[0] excluded) and exactly `environment`.
    ///
    /// - Parameters:
    ///   - stdin, stdout, stderr: files to connect (stdout and stderr are created or truncated; the same
    ///     path for both puts them in one file); nil means `/dev/null`.
    public init(
        executable: String, arguments: [String], environment: [String: String], directory: String? = nil,
        stdin: String? = nil, stdout: String? = nil, stderr: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let writeFlags = O_WRONLY | O_CREAT | O_TRUNC
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", writeFlags, 0o644)
        if let stderr, stderr == stdout {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", writeFlags, 0o644)
        }
        if let directory { _ = addChdir(&actions, directory) }
        _ = addCloseFrom(&actions, 3)

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

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard code == 0 else {
            throw ShoalProcessError("cannot start \(executable): \(String(cString: strerror(code)))")
        }
        self.pid = pid
    }

    /// Whether the process has not ended yet (asking does not reap it).
    public var isRunning: Bool {
        condition.lock()
        defer { condition.unlock() }
        guard status == nil else { return false }
        var info = siginfo_t()
        let r = waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT)
        return r == 0 && info._sifields._sigchld.si_pid == 0
    }

    /// Waits for the process to end; returns its exit status, or 128 + the signal that killed it.
    /// Any number of threads may wait; one of them reaps the process.
    @discardableResult
    public func wait() -> Int32 {
        condition.lock()
        if let status {
            condition.unlock()
            return status
        }
        if reaping {
            while status == nil { condition.wait() }
            defer { condition.unlock() }
            return status!
        }
        reaping = true
        condition.unlock()
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        let ended = raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
        condition.lock()
        status = ended
        condition.broadcast()
        condition.unlock()
        return ended
    }

    /// Runs a command to its end (in `directory`) and returns its status, stdout and stderr.
    public static func run(_ command: [String], directory: String? = nil) throws -> ShoalProcess.Result {
        let base = NSTemporaryDirectory() + "shoal-spawn-\(UUID().uuidString)"
        defer { for file in [base + ".out", base + ".err"] { try? FileManager.default.removeItem(atPath: file) } }
        let process = try SpawnedProcess(
            executable: command[0], arguments: Array(command.dropFirst()), environment: ProcessInfo.processInfo.environment,
            directory: directory, stdout: base + ".out", stderr: base + ".err")
        let status = process.wait()
        let read = { (path: String) in (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data() }
        return ShoalProcess.Result(
            status: status, stdoutBytes: Array(read(base + ".out")), stderr: String(decoding: read(base + ".err"), as: UTF8.self))
    }

    /// Runs a short command to its end and returns its status and its stdout and stderr together.
    public static func output(of command: [String], environment: [String: String]? = nil) -> (status: Int32, output: String) {
        let file = NSTemporaryDirectory() + "shoal-spawn-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: file) }
        do {
            let process = try SpawnedProcess(
                executable: command[0], arguments: Array(command.dropFirst()),
                environment: environment ?? ProcessInfo.processInfo.environment, stdout: file, stderr: file)
            let status = process.wait()
            let output = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            return (status, output.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            return (127, "\(command[0]): \(error)")
        }
    }
}
