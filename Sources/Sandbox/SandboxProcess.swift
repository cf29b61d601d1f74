/// A sandboxed run in progress: its output as it arrives, a way to stop it, and its result.
///
/// Get one from ``Sandbox/start(_:streamOutput:)``; ``Sandbox/run(_:)`` is the same plus waiting.
///
/// ```swift
/// let process = try await Sandbox.start(spec, streamOutput: true)
/// for await chunk in process.output where chunk.stream == .stdout {
///     FileHandle.standardOutput.write(Data(chunk.bytes))
/// }
/// let result = try await process.result()
/// ```
public final class SandboxProcess: Sendable {
    /// A short random identifier of this run (also in the log folder's name).
    public let id: String
    /// The pid of the `shoal-sandbox` launcher supervising the run.
    public let launcherPID: Int32
    /// The step's stdout and stderr as they arrive (only with `streamOutput: true`; otherwise the
    /// stream is already finished). It ends when the step's last process has closed them.
    ///
    /// The stream keeps the newest 1024 chunks if the consumer falls behind; the log files in the
    /// result always hold everything up to ``SandboxLimits/logBytes``.
    public let output: AsyncStream<SandboxOutputChunk>

    let control: LauncherControl<SandboxResult>

    init(id: String, launcherPID: Int32, output: AsyncStream<SandboxOutputChunk>, control: LauncherControl<SandboxResult>) {
        self.id = id
        self.launcherPID = launcherPID
        self.output = output
        self.control = control
    }

    /// Stops the run: the launcher kills the whole process tree, removes the cgroup and reports
    /// ``SandboxResult/Reason/cancelled``. Safe to call at any time, more than once.
    public func cancel() { control.cancel() }

    /// Waits for the run to end.
    ///
    /// - Throws: ``SandboxError`` `launchFailed` when the launcher could not set the sandbox up
    ///   (a missing cgroup controller, an unreadable input); a step that fails is a result, not an error.
    public func result() async throws -> SandboxResult { try await control.wait() }
}

/// A piece of a step's standard output or standard error.
public struct SandboxOutputChunk: Sendable, Hashable {
    /// Which stream the bytes came from.
    public enum Stream: String, Sendable, Hashable { case stdout, stderr }
    public let stream: Stream
    public let bytes: [UInt8]
}
