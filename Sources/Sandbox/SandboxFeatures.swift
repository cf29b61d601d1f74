/// The isolation features a host offers, as probed by ``Sandbox/check()``, and which required ones
/// are missing (with how to fix each).
///
/// Required: running as root, mount/PID/network/IPC/UTS namespaces, a working seccomp filter, usable
/// `memory` and `pids` cgroup controllers, and a full trial run succeeding (with or without a user
/// namespace). Optional: the user and cgroup namespaces (extra layers), the `cpu` controller (needed
/// only for a CPU bandwidth limit) and `cpuacct` (CPU time accounting; without it CPU time comes
/// from `getrusage`).
public struct SandboxFeatures: Sendable, Hashable, Codable {
    /// One cgroup controller's state.
    public struct Controller: Sendable, Hashable, Codable {
        /// `v1`, `v2`, or `missing`.
        public var hierarchy: String
        /// Whether a group could be created and its limit written.
        public var usable: Bool
        /// Why it is not usable, if it is not.
        public var error: String?
    }

    /// A required feature that is missing, and what to do about it.
    public struct Missing: Sendable, Hashable, Codable, CustomStringConvertible {
        public var feature: String
        public var fix: String
        public var description: String { "\(feature): \(fix)" }
    }

    public var kernel: String
    public var runningAsRoot: Bool
    /// Namespace kind (`mount`, `pid`, `net`, `ipc`, `uts`, `user`, `cgroup`) → whether a child could enter a new one.
    public var namespaces: [String: Bool]
    /// Whether the real filter loads and refuses an AF_INET socket with EPERM.
    public var seccomp: Bool
    public var libseccompVersion: String
    /// Controller name (`memory`, `pids`, `cpu`, `cpuacct`) → state.
    public var cgroupControllers: [String: Controller]
    /// `ok` or why a full sandbox with a user namespace failed.
    public var userNamespaceTrial: String
    /// `ok` or why a full sandbox without a user namespace failed.
    public var plainTrial: String

    /// Whether runs can use a user namespace on this host.
    public var userNamespaces: Bool { userNamespaceTrial == "ok" }

    /// Required features that are missing; empty when sandboxed runs can go ahead.
    public var missing: [Missing] {
        var missing: [Missing] = []
        if !runningAsRoot {
            missing.append(Missing(
                feature: "root", fix: "run the worker as root: the launcher needs it to build namespaces and cgroups"))
        }
        let kernelOptions = [
            "mount": "CONFIG_NAMESPACES", "pid": "CONFIG_PID_NS", "net": "CONFIG_NET_NS", "ipc": "CONFIG_IPC_NS",
            "uts": "CONFIG_UTS_NS",
        ]
        for kind in ["mount", "pid", "net", "ipc", "uts"] where namespaces[kind] != true {
            missing.append(Missing(
                feature: "\(kind) namespace",
                fix: "use a kernel with \(kernelOptions[kind]!)=y; in a container, allow clone/unshare with "
                    + "namespace flags (e.g. docker --privileged)"))
        }
        if !seccomp {
            missing.append(Missing(
                feature: "seccomp",
                fix: "install libseccomp (apt-get install libseccomp-dev) and use a kernel with CONFIG_SECCOMP_FILTER=y"))
        }
        for name in ["memory", "pids"] where cgroupControllers[name]?.usable != true {
            // A controller that is not mounted here comes with an error only when the launcher saw
            // the host mount it (our /sys is another one, as under `ip netns exec`): that error is the fix.
            if let controller = cgroupControllers[name], controller.hierarchy == "missing", let hidden = controller.error {
                missing.append(Missing(feature: "\(name) cgroup controller", fix: hidden))
                continue
            }
            let detail = cgroupControllers[name]?.error.map { " (\($0))" } ?? ""
            missing.append(Missing(
                feature: "\(name) cgroup controller\(detail)",
                fix: "mount it (cgroup v1: mount -t cgroup -o \(name) cgroup /sys/fs/cgroup/\(name)) or, with cgroup v2, "
                    + "run the worker in a cgroup with the controller delegated (systemd-run -p Delegate=yes ...)"))
        }
        if userNamespaceTrial != "ok" && plainTrial != "ok" {
            missing.append(Missing(feature: "trial run", fix: "a sandboxed `true` failed: \(plainTrial)"))
        }
        return missing
    }

    /// Whether sandboxed runs can go ahead.
    public var canSandbox: Bool { missing.isEmpty }

    init(report: LauncherReport) {
        kernel = report["kernel"] ?? "unknown"
        runningAsRoot = report["root"] == "1"
        var namespaces: [String: Bool] = [:]
        for kind in ["mount", "pid", "net", "ipc", "uts", "user", "cgroup"] { namespaces[kind] = report["ns.\(kind)"] == "1" }
        self.namespaces = namespaces
        seccomp = report["seccomp"] == "1"
        libseccompVersion = report["libseccomp"] ?? "unknown"
        var controllers: [String: Controller] = [:]
        for name in ["memory", "pids", "cpu", "cpuacct"] {
            controllers[name] = Controller(
                hierarchy: report["cgroup.\(name)"] ?? "missing",
                usable: report["cgroup.\(name).usable"] == "1",
                error: report["cgroup.\(name).error"])
        }
        cgroupControllers = controllers
        userNamespaceTrial = report["trial.userns"] ?? "not run"
        plainTrial = report["trial.plain"] ?? "not run"
    }

    private enum CodingKeys: String, CodingKey {
        case kernel, runningAsRoot, namespaces, seccomp, libseccompVersion, cgroupControllers
        case userNamespaceTrial, plainTrial, userNamespaces, canSandbox, missing
    }

    /// Encodes the probed values plus the derived `userNamespaces`, `canSandbox` and `missing`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kernel, forKey: .kernel)
        try c.encode(runningAsRoot, forKey: .runningAsRoot)
        try c.encode(namespaces, forKey: .namespaces)
        try c.encode(seccomp, forKey: .seccomp)
        try c.encode(libseccompVersion, forKey: .libseccompVersion)
        try c.encode(cgroupControllers, forKey: .cgroupControllers)
        try c.encode(userNamespaceTrial, forKey: .userNamespaceTrial)
        try c.encode(plainTrial, forKey: .plainTrial)
        try c.encode(userNamespaces, forKey: .userNamespaces)
        try c.encode(canSandbox, forKey: .canSandbox)
        try c.encode(missing, forKey: .missing)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kernel = try c.decode(String.self, forKey: .kernel)
        runningAsRoot = try c.decode(Bool.self, forKey: .runningAsRoot)
        namespaces = try c.decode([String: Bool].self, forKey: .namespaces)
        seccomp = try c.decode(Bool.self, forKey: .seccomp)
        libseccompVersion = try c.decode(String.self, forKey: .libseccompVersion)
        cgroupControllers = try c.decode([String: Controller].self, forKey: .cgroupControllers)
        userNamespaceTrial = try c.decode(String.self, forKey: .userNamespaceTrial)
        plainTrial = try c.decode(String.self, forKey: .plainTrial)
    }
}
