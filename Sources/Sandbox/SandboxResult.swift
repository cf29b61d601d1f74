import Units
/// How a sandboxed run ended, and what it used.
///
/// Check ``reason`` first: it says why the run ended (``Reason/exited`` for a normal exit, or the
/// limit that stopped it), then ``termination`` for the exit code or signal. ``succeeded`` is the
/// one-line answer for callers that only need "did it work".
public struct SandboxResult: Sendable, Hashable {
    /// Why the run ended.
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// The step exited by itself (any exit code).
        case exited
        /// The step was killed by a signal that is not one of the limits below.
        case signaled
        /// The wall-clock timeout passed; the whole tree was killed.
        case timeout
        /// The memory limit was reached and the kernel killed a process.
        case memory
        /// The process limit was reached (fork failed) and the step then failed.
        case pids
        /// The output folders grew past their cap, or a file past the file-size limit.
        case outputTooLarge = "output-too-large"
        /// A process used up its CPU-seconds limit.
        case cpuTime = "cpu-time"
        /// The run was cancelled (task cancellation, ``SandboxProcess/cancel()``, or the worker exiting).
        case cancelled
        /// The sandbox could not be set up or the command could not be executed (see ``message``).
        case launchFailed = "launch-failed"
    }

    /// The step's end as the kernel reported it.
    public enum Termination: Sendable, Hashable {
        /// Exited with this code.
        case exited(Int32)
        /// Killed by this signal.
        case signaled(Int32)
        /// The command never ran to an end the sandbox could see (it was not started, or the
        /// sandbox's init was killed first, for example at a timeout).
        case unknown
    }

    public var reason: Reason
    public var termination: Termination
    /// Wall-clock time from starting the sandbox to the end of its last process.
    public var wallTime: Duration
    /// CPU time in user mode of all the step's processes.
    public var userCPUTime: Duration
    /// CPU time in the kernel on behalf of the step's processes.
    public var systemCPUTime: Duration
    /// Highest memory use of the step's processes together, in bytes (cgroup peak; for
    /// insecure runs without a memory cgroup, the largest process's resident set).
    public var peakMemory: Int64
    /// Bytes in the output folders at the end.
    public var outputBytes: Int64
    /// The captured standard output.
    public var stdout: SandboxLog
    /// The captured standard error.
    public var stderr: SandboxLog
    /// Processes the kernel killed for memory.
    public var oomKills: Int
    /// Times a fork failed because of the pids limit.
    public var pidsLimitHits: Int
    /// Whether the run used a user namespace.
    public var usedUserNamespace: Bool
    /// Whether the run was isolated (false for ``SandboxIsolation/insecureNoSandbox``).
    public var isolated: Bool
    /// Detail from the launcher, e.g. why the command could not be executed.
    public var message: String?

    /// Whether the step exited with code 0 and hit no limit.
    public var succeeded: Bool { reason == .exited && termination == .exited(0) }

    /// User plus system CPU time.
    public var cpuTime: Duration { userCPUTime + systemCPUTime }

    /// Bytes the step wrote that the worker keeps: outputs plus both logs (as captured).
    public var bytesWritten: Int64 { outputBytes + stdout.totalBytes + stderr.totalBytes }

    /// The exit code, if the step exited.
    public var exitCode: Int32? {
        if case .exited(let code) = termination { return code }
        return nil
    }

    /// The signal number, if the step was killed by one.
    public var signal: Int32? {
        if case .signaled(let signal) = termination { return signal }
        return nil
    }
}

/// One captured output stream of a run.
public struct SandboxLog: Sendable, Hashable, Codable {
    /// The host file holding the stream (at most ``SandboxLimits/logBytes`` of it).
    public var path: String
    /// Bytes the step wrote to the stream.
    public var totalBytes: Int64
    /// Bytes kept in the file.
    public var keptBytes: Int64
    /// Whether the file stops before the end of the stream.
    public var truncated: Bool { keptBytes < totalBytes }

    public init(path: String, totalBytes: Int64, keptBytes: Int64) {
        self.path = path
        self.totalBytes = totalBytes
        self.keptBytes = keptBytes
    }

    private enum CodingKeys: String, CodingKey { case path, totalBytes, keptBytes, truncated }

    /// Encodes ``truncated`` too, for scripts reading `--json`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(totalBytes, forKey: .totalBytes)
        try c.encode(keptBytes, forKey: .keptBytes)
        try c.encode(truncated, forKey: .truncated)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        totalBytes = try c.decode(Int64.self, forKey: .totalBytes)
        keptBytes = try c.decode(Int64.self, forKey: .keptBytes)
    }
}

extension SandboxResult: Codable {
    private enum CodingKeys: String, CodingKey {
        case reason, exitCode, signal, wallSeconds, userCPUSeconds, systemCPUSeconds, peakMemory, outputBytes
        case stdout, stderr, oomKills, pidsLimitHits, usedUserNamespace, isolated, message, succeeded
    }

    /// Encodes durations as seconds and the termination as `exitCode` or `signal`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reason, forKey: .reason)
        try c.encode(succeeded, forKey: .succeeded)
        try c.encodeIfPresent(exitCode, forKey: .exitCode)
        try c.encodeIfPresent(signal, forKey: .signal)
        try c.encode(wallTime.secondsValue, forKey: .wallSeconds)
        try c.encode(userCPUTime.secondsValue, forKey: .userCPUSeconds)
        try c.encode(systemCPUTime.secondsValue, forKey: .systemCPUSeconds)
        try c.encode(peakMemory, forKey: .peakMemory)
        try c.encode(outputBytes, forKey: .outputBytes)
        try c.encode(stdout, forKey: .stdout)
        try c.encode(stderr, forKey: .stderr)
        try c.encode(oomKills, forKey: .oomKills)
        try c.encode(pidsLimitHits, forKey: .pidsLimitHits)
        try c.encode(usedUserNamespace, forKey: .usedUserNamespace)
        try c.encode(isolated, forKey: .isolated)
        try c.encodeIfPresent(message, forKey: .message)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        reason = try c.decode(Reason.self, forKey: .reason)
        if let code = try c.decodeIfPresent(Int32.self, forKey: .exitCode) {
            termination = .exited(code)
        } else if let signal = try c.decodeIfPresent(Int32.self, forKey: .signal) {
            termination = .signaled(signal)
        } else {
            termination = .unknown
        }
        wallTime = .nanoseconds(Int64(try c.decode(Double.self, forKey: .wallSeconds) * 1e9))
        userCPUTime = .nanoseconds(Int64(try c.decode(Double.self, forKey: .userCPUSeconds) * 1e9))
        systemCPUTime = .nanoseconds(Int64(try c.decode(Double.self, forKey: .systemCPUSeconds) * 1e9))
        peakMemory = try c.decode(Int64.self, forKey: .peakMemory)
        outputBytes = try c.decode(Int64.self, forKey: .outputBytes)
        stdout = try c.decode(SandboxLog.self, forKey: .stdout)
        stderr = try c.decode(SandboxLog.self, forKey: .stderr)
        oomKills = try c.decode(Int.self, forKey: .oomKills)
        pidsLimitHits = try c.decode(Int.self, forKey: .pidsLimitHits)
        usedUserNamespace = try c.decode(Bool.self, forKey: .usedUserNamespace)
        isolated = try c.decode(Bool.self, forKey: .isolated)
        message = try c.decodeIfPresent(String.self, forKey: .message)
    }
}
