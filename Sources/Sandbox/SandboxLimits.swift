import Units
/// The resources one sandboxed run may use, and how each is enforced.
///
/// | limit | enforced by | when reached |
/// | --- | --- | --- |
/// | ``timeout`` | the launcher's clock: the whole process tree is killed | reason `timeout` |
/// | ``memory`` | cgroup `memory.limit_in_bytes` (v1) / `memory.max` (v2), swap included | the kernel's OOM killer; reason `memory` |
/// | ``pids`` | cgroup `pids.max` | `fork` fails with `EAGAIN`; reason `pids` if the step then fails |
/// | ``cpus`` | cgroup CPU bandwidth (`cfs_quota_us` / `cpu.max`) | the step is throttled, not killed |
/// | ``cpuTime`` | `RLIMIT_CPU` per process (hard = soft + 1 s) | `SIGXCPU`; reason `cpu-time` |
/// | ``tmpSize`` | size of the `/tmp` (and `/dev/shm`) tmpfs | writes fail with `ENOSPC` |
/// | ``outputBytes`` | the launcher measures the output folders every 100 ms and at the end | reason `output-too-large` |
/// | ``fileSize`` | `RLIMIT_FSIZE` | writes fail with `EFBIG` / `SIGXFSZ`; reason `output-too-large` |
/// | ``openFiles`` | `RLIMIT_NOFILE` | `open` fails with `EMFILE` |
/// | ``logBytes`` | the worker stops writing the stdout/stderr files (the step keeps running) | ``SandboxLog/truncated`` |
///
/// `nil` means "no limit" where a limit is optional. Files in `/tmp` live in memory, so they also
/// count against ``memory``.
public struct SandboxLimits: Sendable, Hashable {
    /// Wall-clock time from start to the end of the whole tree. Default 10 minutes.
    public var timeout: Duration? = .seconds(600)
    /// Memory of all the step's processes together (page cache and tmpfs files included). Default 512 MiB.
    public var memory: ByteSize? = .mebibytes(512)
    /// Processes and threads alive at once. Default 256.
    public var pids: Int? = 256
    /// CPU bandwidth in cores (`1.5` = one and a half cores). Default unlimited.
    public var cpus: Double? = nil
    /// CPU seconds each process may use. Default unlimited.
    public var cpuTime: Duration? = nil
    /// Size of the writable `/tmp`. Default 256 MiB.
    public var tmpSize: ByteSize = .mebibytes(256)
    /// Total bytes of regular files (and symlinks) across all output folders. Default 1 GiB.
    public var outputBytes: ByteSize? = .gibibytes(1)
    /// Largest single file the step may write anywhere. Default: ``outputBytes`` plus one byte, so
    /// that a file cut off by this limit is recognisably over the output cap.
    public var fileSize: ByteSize? = nil
    /// Open file descriptors per process. Default 1024.
    public var openFiles: Int = 1024
    /// Bytes kept of stdout and of stderr each. Default 16 MiB.
    public var logBytes: ByteSize = .mebibytes(16)

    /// The default limits (see each property).
    public init() {}

    /// The file-size rlimit passed to the launcher, after applying the default.
    var effectiveFileSize: ByteSize? {
        if let fileSize { return fileSize }
        return outputBytes.map { ByteSize(bytes: $0.bytes + 1) }
    }

    /// Checks the values are usable; returns a problem description or `nil`.
    func problems() -> [String] {
        var problems: [String] = []
        if let timeout, timeout <= .zero { problems.append("the timeout must be positive") }
        if let memory, memory.bytes < 1 << 20 { problems.append("memory must be at least 1MiB") }
        if let pids, pids < 2 { problems.append("pids must be at least 2 (the sandbox's init and the step)") }
        if let cpus, !(cpus >= 0.01 && cpus <= 1024) { problems.append("cpus must be between 0.01 and 1024") }
        if let cpuTime, cpuTime < .seconds(1) { problems.append("cpu time must be at least 1s") }
        if tmpSize.bytes < 4096 { problems.append("the /tmp size must be at least 4KiB") }
        if openFiles < 16 { problems.append("open files must be at least 16") }
        return problems
    }
}
