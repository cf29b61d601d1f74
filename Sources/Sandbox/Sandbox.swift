import Foundation

/// Runs commands in a sandbox: the entry points of the module.
///
/// Each run is supervised by the small launcher executable, `shoal-sandbox`: started once per process
/// as a service, it forks a supervisor for each run (the worker process itself is never cloned, and
/// no run pays for starting an executable). The supervisor puts the step in new mount, PID,
/// network, IPC and UTS namespaces (and a user namespace where the host allows it) on a read-only
/// root of bind mounts, as the unprivileged uid 65534 with no capabilities, `no_new_privs` and a
/// seccomp filter, inside a cgroup that carries the limits. See the module's documentation for the
/// full picture.
///
/// ```swift
/// var spec = SandboxSpec(command: ["sh", "-c", "wc -l /inputs/data > /outputs/count/lines"])
/// spec.inputs = ["data": "/srv/data/words.txt"]
/// spec.outputsDirectory = "/srv/runs/1"
/// spec.outputs = ["count"]
/// let result = try await Sandbox.run(spec)
/// if result.succeeded { try OutputCheck.verify(folder: "/srv/runs/1/count") }
/// ```
public enum Sandbox {
    /// The launcher executable's name; it is built next to `shoal`.
    public static let launcherName = "shoal-sandbox"
    /// Environment variable that overrides where the launcher is found.
    public static let launcherVariable = "SHOAL_SANDBOX_LAUNCHER"

    /// Where the launcher is: `$SHOAL_SANDBOX_LAUNCHER` if set, else `shoal-sandbox` in the folder of
    /// the running executable (`swift build` puts `shoal`, `shoal-sandbox` and the test bundle together).
    ///
    /// - Throws: ``SandboxError`` `launcherNotFound` with how to fix it.
    public static func launcherPath() throws -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return try launcherPath(environment: ProcessInfo.processInfo.environment, executable: executable)
    }

    /// ``launcherPath()`` for a given environment and running executable.
    static func launcherPath(environment: [String: String], executable: String) throws -> String {
        if let override = environment[launcherVariable], !override.isEmpty {
            guard access(override, X_OK) == 0 else {
                throw SandboxError(.launcherNotFound, "\(launcherVariable)=\(override) is not an executable file")
            }
            return override
        }
        let candidate = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(launcherName).path
        guard access(candidate, X_OK) == 0 else {
            throw SandboxError(
                .launcherNotFound,
                "\(launcherName) is not next to \(executable) (looked for \(candidate)); build it with `swift build` "
                    + "or set \(launcherVariable) to its path")
        }
        return candidate
    }

    /// Starts a sandboxed run and returns as soon as the launcher is running.
    ///
    /// - Parameters:
    ///   - spec: what to run and with which limits.
    ///   - streamOutput: whether ``SandboxProcess/output`` delivers stdout and stderr while the step runs.
    /// - Throws: ``SandboxError`` for an invalid spec, a missing host path or a missing launcher.
    public static func start(_ spec: SandboxSpec, streamOutput: Bool = false) async throws -> SandboxProcess {
        try spec.validate()
        let launcher = try launcherPath()
        let id = randomID()
        let temporary = NSTemporaryDirectory().hasSuffix("/") ? String(NSTemporaryDirectory().dropLast()) : NSTemporaryDirectory()
        let logDirectory = spec.logDirectory.map(LauncherCommand.absolutePath) ?? temporary + "/shoal-sandbox-logs-" + id
        do {
            try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        } catch {
            throw SandboxError(.io, "cannot create the log folder \(logDirectory): \(error.localizedDescription)")
        }
        let command: LauncherCommand
        do {
            command = try LauncherCommand(spec: spec, parentPID: getpid(), stagingRoot: temporary, runID: id)
        } catch {
            if spec.logDirectory == nil { try? FileManager.default.removeItem(atPath: logDirectory) }
            throw error
        }

        let (stream, continuation) = AsyncStream.makeStream(
            of: SandboxOutputChunk.self, bufferingPolicy: .bufferingNewest(1024))
        if !streamOutput { continuation.finish() }
        let session = LauncherSession(
            launcherPath: launcher, arguments: command.arguments,
            stdout: .init(path: logDirectory + "/stdout.log", cap: spec.limits.logBytes.bytes),
            stderr: .init(path: logDirectory + "/stderr.log", cap: spec.limits.logBytes.bytes),
            stream: streamOutput ? continuation : nil)
        let control = LauncherControl<SandboxResult>()
        let isolated = spec.isolation == .sandboxed
        let staging = command.stagingDirectory
        do {
            let pid = try await session.start(control: control) { outcome in
                if let staging { try? FileManager.default.removeItem(atPath: staging) }
                control.finish(
                    Result {
                        try outcome.report.result(
                            stdout: outcome.stdout, stderr: outcome.stderr, isolated: isolated,
                            launcherStatus: outcome.launcherStatus)
                    })
            }
            return SandboxProcess(id: id, launcherPID: pid, output: stream, control: control)
        } catch {
            if let staging { try? FileManager.default.removeItem(atPath: staging) }
            if spec.logDirectory == nil { try? FileManager.default.removeItem(atPath: logDirectory) }
            throw error
        }
    }

    /// Runs a command in a sandbox and waits for it to end.
    ///
    /// Cancelling the calling task kills the step's whole process tree; the result then has reason
    /// ``SandboxResult/Reason/cancelled`` (the launcher still cleans up before returning).
    ///
    /// - Returns: how the step ended and what it used; a failing step is a result, not an error.
    /// - Throws: ``SandboxError`` when the sandbox could not be set up.
    public static func run(_ spec: SandboxSpec) async throws -> SandboxResult {
        let process = try await start(spec)
        return try await withTaskCancellationHandler {
            try await process.result()
        } onCancel: {
            process.cancel()
        }
    }

    /// Probes which isolation features this host offers (namespaces, cgroup controllers, seccomp)
    /// and runs `true` in a full sandbox, with and without a user namespace.
    ///
    /// - Throws: ``SandboxError`` `launcherNotFound`, or `launchFailed` if the launcher cannot run.
    public static func check() async throws -> SandboxFeatures {
        let launcher = try launcherPath()
        let control = LauncherControl<SandboxFeatures>()
        let session = LauncherSession(
            launcherPath: launcher, arguments: ["--check"], launch: .spawn, stdout: .init(path: nil, cap: 0),
            stderr: .init(path: nil, cap: 0), stream: nil)
        _ = try await session.start(control: control) { outcome in
            if let error = outcome.report["error"] {
                control.finish(.failure(SandboxError(.launchFailed, error)))
            } else if outcome.report["version"] == nil {
                control.finish(
                    .failure(SandboxError(.launchFailed, "the launcher \(outcome.launcherStatus) without a feature report")))
            } else {
                control.finish(.success(SandboxFeatures(report: outcome.report)))
            }
        }
        return try await control.wait()
    }

    /// Checks the host (``check()``) and throws if a required feature is missing.
    ///
    /// Callers that run untrusted steps call this once at start-up, so a host that cannot isolate is
    /// refused with a clear fix instead of failing run by run.
    /// - Throws: ``SandboxError`` `featureMissing`, naming each missing feature and how to fix it.
    @discardableResult
    public static func requireFeatures() async throws -> SandboxFeatures {
        let features = try await check()
        guard features.canSandbox else {
            throw SandboxError(
                .featureMissing,
                features.missing.map(\.description).joined(separator: "; ")
                    + " (or, for debugging only, run without isolation: --insecure-no-sandbox)")
        }
        return features
    }

    static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() & 0xffff_ffff_ffff, radix: 16)
    }
}
