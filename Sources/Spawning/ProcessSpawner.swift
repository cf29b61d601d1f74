#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

@_silgen_name("posix_spawn_file_actions_addchdir_np")
private func addChdir(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: UnsafePointer<CChar>) -> Int32

@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32

/// Starts programs with `posix_spawn`: the one place Shoal sets up a child's descriptors and
/// signal state.
///
/// Why not Foundation's `Process`: on Linux its `run()` lists `/proc/self/fd` to close inherited
/// descriptors and over-reads a directory entry now and then (swift-corelibs-foundation #5472),
/// which crashed full test runs here. `posix_spawn` needs no listing: `closefrom` does it in the
/// child.
///
/// Every child starts with an **empty signal mask and default dispositions**: Swift's threads
/// block signals, and a blocked mask survives `exec` (a child that cannot be stopped by SIGTERM).
///
/// ```swift
/// let pid = try ProcessSpawner.spawn(SpawnRequest(
///     executable: "/bin/sh", arguments: ["sh", "-c", "echo hi"], environment: ["PATH=/usr/bin:/bin"],
///     standardOutput: .file("/tmp/out", appending: false)))
/// ```
public enum ProcessSpawner {
    /// Starts `request.executable`; returns the child's pid (the caller reaps it).
    public static func spawn(_ request: SpawnRequest) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        add(request.standardInput, as: 0, to: &actions)
        add(request.standardOutput, as: 1, to: &actions)
        add(request.standardError, as: 2, to: &actions)
        for (source, target) in request.descriptors { posix_spawn_file_actions_adddup2(&actions, source, target) }
        if let directory = request.directory { _ = addChdir(&actions, directory) }
        if request.closesOtherDescriptors {
            // After the dup2s, so the descriptors handed on survive.
            let lowest = (request.descriptors.map(\.target) + [2]).max()! + 1
            _ = addCloseFrom(&actions, lowest)
        }

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

        let argv = request.arguments.map { strdup($0) } + [nil]
        let envp = request.environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, request.executable, &actions, &attributes, argv, envp)
        guard code == 0 else { throw SpawnError(executable: request.executable, errno: code) }
        return pid
    }

    private static func add(_ stream: SpawnRequest.Stream, as target: Int32, to actions: inout posix_spawn_file_actions_t) {
        switch stream {
        case .null:
            posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
        case .file(let path, let appending):
            let flags = target == 0 ? O_RDONLY : O_WRONLY | O_CREAT | (appending ? O_APPEND : O_TRUNC)
            posix_spawn_file_actions_addopen(&actions, target, path, flags, 0o644)
        case .descriptor(let fd):
            posix_spawn_file_actions_adddup2(&actions, fd, target)
        case .standardOutput:
            posix_spawn_file_actions_adddup2(&actions, 1, target)
        case .inherited:
            break
        }
    }
}

/// What to start and what the child's descriptors are.
public struct SpawnRequest: Sendable {
    /// Where a standard stream of the child comes from or goes to.
    public enum Stream: Sendable, Hashable {
        /// `/dev/null`.
        case null
        /// A file: read for standard input; created, and truncated or appended to, for output.
        case file(String, appending: Bool)
        /// A descriptor of this process, duplicated into the child.
        case descriptor(Int32)
        /// The child's standard output (for standard error: both in one place).
        case standardOutput
        /// This process's own (input, output or error, whichever it stands for).
        case inherited
    }

    /// The program's path (not searched in `PATH`).
    public var executable: String
    /// The whole argument vector, `argv[0]` included.
    public var arguments: [String]
    /// Exactly the child's environment, as `NAME=value` entries.
    public var environment: [String]
    /// The child's working directory (`nil`: this process's).
    public var directory: String?
    public var standardInput: Stream
    public var standardOutput: Stream
    public var standardError: Stream
    /// Further descriptors of this process handed on: each `source` (3 or above) becomes the
    /// child's `target`.
    public var descriptors: [(source: Int32, target: Int32)]
    /// Whether every other descriptor is closed in the child (on by default, so nothing leaks,
    /// close-on-exec or not).
    public var closesOtherDescriptors: Bool

    public init(
        executable: String, arguments: [String], environment: [String], directory: String? = nil,
        standardInput: Stream = .null, standardOutput: Stream = .null, standardError: Stream = .null,
        descriptors: [(source: Int32, target: Int32)] = [], closesOtherDescriptors: Bool = true
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.directory = directory
        self.standardInput = standardInput
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.descriptors = descriptors
        self.closesOtherDescriptors = closesOtherDescriptors
    }
}

/// A program could not be started.
public struct SpawnError: Error, CustomStringConvertible, Sendable, Equatable {
    public var executable: String
    /// The `errno` that `posix_spawn` returned.
    public var errno: Int32

    public var description: String { "cannot start \(executable): \(String(cString: strerror(errno)))" }
}
