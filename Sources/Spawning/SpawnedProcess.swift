import Foundation

/// A child process started with ``ProcessSpawner``, that any number of threads may wait for.
///
/// Standard input, output and error are files, descriptors or `/dev/null`; every other descriptor
/// is closed in the child; it starts with an empty signal mask and default dispositions.
///
/// ```swift
/// let child = try SpawnedProcess(executable: "/bin/sleep", arguments: ["1"], environment: [:])
/// kill(child.pid, SIGTERM)
/// let status = child.wait()   // 128 + SIGTERM
/// ```
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
    public convenience init(
        executable: String, arguments: [String], environment: [String: String], directory: String? = nil,
        stdin: String? = nil, stdout: String? = nil, stderr: String? = nil
    ) throws(SpawnError) {
        let output: SpawnRequest.Stream = stdout.map { .file($0, appending: false) } ?? .null
        let errors: SpawnRequest.Stream = stderr == nil ? .null : stderr == stdout ? .standardOutput : .file(stderr!, appending: false)
        try self.init(SpawnRequest(
            executable: executable, arguments: [executable] + arguments,
            environment: environment.map { "\($0.key)=\($0.value)" }, directory: directory,
            standardInput: stdin.map { .file($0, appending: false) } ?? .null, standardOutput: output, standardError: errors))
    }

    /// Starts the program `request` describes.
    public init(_ request: SpawnRequest) throws(SpawnError) {
        pid = try ProcessSpawner.spawn(request)
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
}
