/// The `key=value` lines the `shoal-sandbox` launcher writes on its file descriptor 3.
///
/// A run's report has `reason`, `status` (`exited`, `signaled` or `none`), `exit_code` or
/// `signal`, `wall_ns`, `cpu_user_ns`, `cpu_system_ns`, `memory_peak`, `oom_kills`,
/// `pids_limit_hits`, `output_bytes`, `userns` and an optional `message` (and `warning`, for an
/// insecure run whose cgroup limits could not be applied). A launcher that could not
/// set the run up writes only `error=<one line>`. `--check` writes the feature keys read by
/// ``SandboxFeatures``.
struct LauncherReport: Sendable, Equatable {
    /// The values by key; a repeated key keeps its last value.
    var values: [String: String]

    init(parsing text: String) {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        self.values = values
    }

    subscript(key: String) -> String? { values[key] }

    /// Whether the launcher got to the end of its work: it reported an error, or a result whose last
    /// line (`end=1`) it writes after everything is cleaned up.
    var isComplete: Bool { values["error"] != nil || values["end"] != nil }

    func integer(_ key: String) -> Int64? { values[key].flatMap { Int64($0) } }

    /// The run's result, with the logs the worker captured.
    ///
    /// - Parameter launcherStatus: how the launcher process itself ended, for the error message
    ///   when it wrote no report (it crashed or was killed).
    /// - Throws: ``SandboxError`` `launchFailed` when the launcher reported a setup error or no result.
    func result(stdout: SandboxLog, stderr: SandboxLog, isolated: Bool, launcherStatus: String) throws -> SandboxResult {
        if let error = values["error"] { throw SandboxError(.launchFailed, error) }
        guard let reasonText = values["reason"] else {
            throw SandboxError(.launchFailed, "the launcher \(launcherStatus) without reporting a result")
        }
        guard let reason = SandboxResult.Reason(rawValue: reasonText) else {
            throw SandboxError(.launchFailed, "the launcher reported an unknown reason '\(reasonText)'")
        }
        let termination: SandboxResult.Termination
        switch values["status"] {
        case "exited": termination = integer("exit_code").map { .exited(Int32(truncatingIfNeeded: $0)) } ?? .unknown
        case "signaled": termination = integer("signal").map { .signaled(Int32(truncatingIfNeeded: $0)) } ?? .unknown
        default: termination = .unknown
        }
        return SandboxResult(
            reason: reason,
            termination: termination,
            wallTime: .nanoseconds(integer("wall_ns") ?? 0),
            userCPUTime: .nanoseconds(integer("cpu_user_ns") ?? 0),
            systemCPUTime: .nanoseconds(integer("cpu_system_ns") ?? 0),
            peakMemory: integer("memory_peak") ?? 0,
            outputBytes: integer("output_bytes") ?? 0,
            stdout: stdout,
            stderr: stderr,
            oomKills: Int(integer("oom_kills") ?? 0),
            pidsLimitHits: Int(integer("pids_limit_hits") ?? 0),
            usedUserNamespace: values["userns"] == "1",
            isolated: isolated,
            message: (values["message"] ?? values["warning"]).flatMap { $0.isEmpty ? nil : $0 }
        )
    }
}
