import Units
import Foundation

/// The launcher's command line for one ``SandboxSpec`` (its format is described in
/// `Sources/CSandbox/config.c`).
///
/// Host paths are made absolute and their symlinks resolved here, in the worker, because the
/// launcher refuses a source that is itself a symlink (a step could plant one in a folder that a
/// later step reads). For ``SandboxIsolation/insecureNoSandbox`` there are no mounts: a staging
/// folder of symlinks stands in for `/inputs` and `/outputs`, and the `SHOAL_*` variables point there.
struct LauncherCommand: Sendable, Equatable {
    /// Arguments after the launcher's own path.
    var arguments: [String]
    /// Folder to remove after the run (insecure runs only).
    var stagingDirectory: String?

    /// Builds the command line.
    ///
    /// - Parameters:
    ///   - parentPID: the worker's pid; the launcher stops at once if its parent is no longer it.
    ///   - stagingRoot: where an insecure run's staging folder is created.
    /// - Throws: ``SandboxError`` `invalidSpec` when a host path does not exist.
    init(spec: SandboxSpec, parentPID: Int32, stagingRoot: String, runID: String) throws {
        let insecure = spec.isolation == .insecureNoSandbox
        var args = ["--parent-pid", String(parentPID), "--network", spec.network.rawValue]
        args += ["--userns", spec.userNamespace.launcherValue]
        let limits = spec.limits
        if let timeout = limits.timeout { args += ["--timeout-ms", String(timeout.wholeMilliseconds)] }
        if let memory = limits.memory { args += ["--memory", String(memory.bytes)] }
        if let pids = limits.pids { args += ["--pids", String(pids)] }
        if let cpus = limits.cpus { args += ["--cpu-millis", String(Int64((cpus * 1000).rounded(.up)))] }
        if let cpuTime = limits.cpuTime {
            args += ["--cpu-time", String((cpuTime.wholeMilliseconds + 999) / 1000)]
        }
        args += ["--tmp-size", String(limits.tmpSize.bytes), "--open-files", String(limits.openFiles)]
        if let cap = limits.outputBytes { args += ["--output-cap", String(cap.bytes)] }
        if let fileSize = limits.effectiveFileSize { args += ["--file-size", String(fileSize.bytes)] }

        var environment = spec.effectiveEnvironment
        var workingDirectory = spec.effectiveWorkingDirectory
        var staging: String?
        var mounts: [(option: String, source: String, target: String)] = []
        if let tool = spec.toolDirectory {
            mounts.append(("--ro", try Self.existingPath(tool, what: "tool folder"), SandboxSpec.Paths.tool))
        }
        for (name, path) in spec.inputs.sorted(by: { $0.key < $1.key }) {
            mounts.append(("--ro", try Self.existingPath(path, what: "input '\(name)'"), "\(SandboxSpec.Paths.inputs)/\(name)"))
        }
        if let params = spec.paramsFile {
            mounts.append(("--ro", try Self.existingPath(params, what: "params file"), SandboxSpec.Paths.params))
        }
        if let outputsDirectory = spec.outputsDirectory, !spec.outputs.isEmpty {
            let folder = try Self.createdFolder(outputsDirectory)
            for name in spec.outputs {
                mounts.append(("--output", folder + "/" + name, "\(SandboxSpec.Paths.outputs)/\(name)"))
            }
        }

        if insecure {
            // No mounts: symlinks in a staging folder stand in for /inputs and /outputs.
            let folder = stagingRoot + "/shoal-insecure-" + runID
            staging = folder
            try Self.makeStaging(folder: folder, mounts: mounts)
            environment["SHOAL_INPUTS"] = folder + "/inputs"
            environment["SHOAL_OUTPUTS"] = folder + "/outputs"
            if let params = mounts.first(where: { $0.target == SandboxSpec.Paths.params }) {
                environment["SHOAL_PARAMS"] = params.source
            }
            if spec.workingDirectory == nil {
                workingDirectory = mounts.first(where: { $0.target == SandboxSpec.Paths.tool })?.source ?? folder
            }
            args.append("--insecure")
        }
        args += ["--cwd", workingDirectory]
        for mount in mounts { args += [mount.option, mount.source, mount.target] }
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { args += ["--env", "\(key)=\(value)"] }
        args.append("--")
        args += spec.command
        self.arguments = args
        self.stagingDirectory = staging
    }

    /// The absolute, symlink-free form of an existing host path.
    static func existingPath(_ path: String, what: String) throws -> String {
        let absolute = absolutePath(path)
        guard let resolved = realpath(absolute, nil) else {
            throw SandboxError(.invalidSpec, "\(what): \(absolute): \(SystemCall.describe(errno: errno))")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Creates `path` (and its parents) if needed and returns its resolved form.
    static func createdFolder(_ path: String) throws -> String {
        let absolute = absolutePath(path)
        do {
            try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
        } catch {
            throw SandboxError(.invalidSpec, "outputs folder \(absolute): cannot create it (\(error.localizedDescription))")
        }
        return try existingPath(absolute, what: "outputs folder")
    }

    static func absolutePath(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }

    private static func makeStaging(folder: String, mounts: [(option: String, source: String, target: String)]) throws {
        let files = FileManager.default
        do {
            try files.createDirectory(atPath: folder + "/inputs", withIntermediateDirectories: true)
            try files.createDirectory(atPath: folder + "/outputs", withIntermediateDirectories: true)
            for mount in mounts where mount.target != SandboxSpec.Paths.tool && mount.target != SandboxSpec.Paths.params {
                if mount.option == "--output" {
                    try files.createDirectory(atPath: mount.source, withIntermediateDirectories: true)
                }
                try files.createSymbolicLink(atPath: folder + mount.target, withDestinationPath: mount.source)
            }
        } catch {
            throw SandboxError(.io, "cannot prepare the staging folder \(folder): \(error.localizedDescription)")
        }
    }
}
