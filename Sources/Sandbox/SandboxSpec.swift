import Units
import Foundation

/// Everything needed to run one command in a sandbox: what to run, what it may see, and its limits.
///
/// Inside the sandbox the step sees its tool read-only at `/tool`, each input read-only at
/// `/inputs/<name>`, each output as a writable folder at `/outputs/<name>`, the params file (if
/// any) read-only at `/inputs/.params.json`, and a private writable `/tmp`. Nothing else from the
/// host is visible except the system folders programs need (`/usr`, a curated `/etc`).
///
/// ```swift
/// var spec = SandboxSpec(command: ["python3", "dedupe.py", "--threshold", "0.95"])
/// spec.toolDirectory = "/srv/tools/dedupe"
/// spec.inputs = ["corpus": "/srv/data/corpus"]
/// spec.outputsDirectory = "/srv/runs/42/outputs"
/// spec.outputs = ["clean"]
/// spec.limits.memory = try ByteSize(parsing: "512MiB")
/// let result = try await Sandbox.run(spec)
/// ```
public struct SandboxSpec: Sendable, Hashable {
    /// The program and its arguments. A program name without `/` is looked up in the sandbox's
    /// `PATH` (not the worker's).
    public var command: [String]
    /// Host folder mounted read-only at `/tool` (the tool bundle), if any.
    public var toolDirectory: String?
    /// Inputs by name: host file or folder → read-only `/inputs/<name>`.
    ///
    /// The step runs as uid 65534, so an input must be readable by it (world-readable files, folders
    /// with `o+rx`); the launcher refuses an input whose top level is not, before anything runs.
    public var inputs: [String: String]
    /// Host folder holding the output folders; required when ``outputs`` is not empty.
    public var outputsDirectory: String?
    /// Output names: `<outputsDirectory>/<name>` (created if missing) → writable `/outputs/<name>`.
    public var outputs: [String]
    /// Environment variables added to the fixed base (see ``baseEnvironment``). They may override
    /// `PATH`, `HOME` and `LANG`, but not the `SHOAL_*` variables.
    public var environment: [String: String]
    /// Resource limits.
    public var limits: SandboxLimits
    /// Network access: none (default) or loopback only.
    public var network: SandboxNetwork
    /// Host path of a JSON params file, mounted read-only at `/inputs/.params.json`; its sandbox
    /// path is in `SHOAL_PARAMS`.
    public var paramsFile: String?
    /// Working folder inside the sandbox. Default: `/tool` when there is a tool, else `/tmp`.
    public var workingDirectory: String?
    /// Host folder for `stdout.log` and `stderr.log`. Default: a new folder in the temporary folder,
    /// whose path is in the result; the caller owns (and removes) it.
    public var logDirectory: String?
    /// Whether to isolate at all. ``SandboxIsolation/insecureNoSandbox`` is for hosts without the
    /// kernel features, and only when an operator asks for it.
    public var isolation: SandboxIsolation
    /// Whether to use a user namespace (on top of the unprivileged uid).
    public var userNamespace: UserNamespaceMode

    /// A spec with the default limits, no inputs or outputs and no network.
    public init(command: [String]) {
        self.command = command
        self.toolDirectory = nil
        self.inputs = [:]
        self.outputsDirectory = nil
        self.outputs = []
        self.environment = [:]
        self.limits = SandboxLimits()
        self.network = .none
        self.paramsFile = nil
        self.workingDirectory = nil
        self.logDirectory = nil
        self.isolation = .sandboxed
        self.userNamespace = .auto
    }

    /// Where things appear inside the sandbox.
    public enum Paths {
        public static let tool = "/tool"
        public static let inputs = "/inputs"
        public static let outputs = "/outputs"
        public static let params = "/inputs/.params.json"
        public static let tmp = "/tmp"
    }

    /// Variables every step gets (before ``environment`` is applied). Nothing from the worker's own
    /// environment is passed on.
    ///
    /// `PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, `HOME=/tmp`,
    /// `LANG=C.UTF-8`, `SHOAL_INPUTS=/inputs`, `SHOAL_OUTPUTS=/outputs`, and
    /// `SHOAL_PARAMS=/inputs/.params.json` when there is a params file.
    public var baseEnvironment: [String: String] {
        var base = [
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": "/tmp",
            "LANG": "C.UTF-8",
            "SHOAL_INPUTS": Paths.inputs,
            "SHOAL_OUTPUTS": Paths.outputs,
        ]
        if paramsFile != nil { base["SHOAL_PARAMS"] = Paths.params }
        return base
    }

    /// The step's whole environment: ``baseEnvironment`` with ``environment`` applied.
    public var effectiveEnvironment: [String: String] {
        baseEnvironment.merging(environment) { _, spec in spec }
    }

    /// The working folder inside the sandbox, after applying the default.
    public var effectiveWorkingDirectory: String {
        workingDirectory ?? (toolDirectory != nil ? Paths.tool : Paths.tmp)
    }

    /// Checks the spec for mistakes a run would only discover later.
    ///
    /// - Throws: ``SandboxError`` with code `invalidSpec` listing every problem found.
    public func validate() throws {
        var problems: [String] = []
        if command.isEmpty || command[0].isEmpty { problems.append("the command is empty") }
        if command.contains(where: { $0.contains("\0") }) { problems.append("the command contains a NUL byte") }
        for name in inputs.keys.sorted() where !Self.isValidName(name) {
            problems.append("input name '\(name)' is not allowed (use letters, digits, '.', '_', '-'; no leading '.')")
        }
        for name in outputs where !Self.isValidName(name) {
            problems.append("output name '\(name)' is not allowed (use letters, digits, '.', '_', '-'; no leading '.')")
        }
        if Set(outputs).count != outputs.count { problems.append("an output name is listed twice") }
        if !outputs.isEmpty && outputsDirectory == nil { problems.append("outputs are named but no outputs folder is given") }
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) {
            if !Self.isValidVariable(key) { problems.append("environment variable name '\(key)' is not valid") }
            if key.hasPrefix("SHOAL_") { problems.append("environment variable \(key) is reserved") }
            if value.contains("\0") { problems.append("environment variable \(key) contains a NUL byte") }
        }
        for path in [toolDirectory, outputsDirectory, paramsFile, logDirectory].compactMap({ $0 }) + Array(inputs.values)
        where path.isEmpty || path.contains("\0") {
            problems.append("a host path is empty or contains a NUL byte")
        }
        if let workingDirectory, !workingDirectory.hasPrefix("/") {
            problems.append("the working folder '\(workingDirectory)' must be an absolute path inside the sandbox")
        }
        problems += limits.problems()
        guard problems.isEmpty else { throw SandboxError(.invalidSpec, problems.joined(separator: "; ")) }
    }

    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 255, !name.hasPrefix("."), name != "..", name != "." else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
        }
    }

    static func isValidVariable(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && CharacterSet.letters.contains(first))
        else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && CharacterSet.alphanumerics.contains($0)) }
    }
}

/// Network access of a sandboxed step.
public enum SandboxNetwork: String, Sendable, Hashable, Codable, CaseIterable {
    /// An empty network namespace: no interface at all, and no AF_INET/AF_INET6 sockets.
    case none
    /// A network namespace of its own with only `lo` up: the step can talk to itself, not the host.
    case loopback
}

/// Whether a run is isolated.
public enum SandboxIsolation: String, Sendable, Hashable, Codable {
    /// Namespaces, read-only root, unprivileged uid, seccomp, cgroup limits (the default).
    case sandboxed
    /// The command runs directly on the host as the worker's user, with only the timeout, rlimits
    /// and (where available) cgroup limits. For debugging on hosts that lack the kernel features.
    case insecureNoSandbox
}

/// Whether the sandbox uses a user namespace in addition to the unprivileged uid.
public enum UserNamespaceMode: String, Sendable, Hashable, Codable {
    /// Use one where the host allows it; otherwise rely on the uid drop alone.
    case auto
    /// Fail if a user namespace cannot be created.
    case required
    /// Never use one.
    case off

    var launcherValue: String {
        switch self {
        case .auto: "auto"
        case .required: "on"
        case .off: "off"
        }
    }
}
