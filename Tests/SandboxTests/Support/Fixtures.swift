import Foundation
import ShoalTesting
import Spawning
import Testing

@testable import Sandbox

/// A folder under /tmp for one test, readable by the sandbox user (mode 0755), removed by `remove()`.
struct TemporaryFolder: Sendable {
    let path: String

    init(_ label: String = "test") throws {
        let base = NSTemporaryDirectory().hasSuffix("/") ? String(NSTemporaryDirectory().dropLast()) : NSTemporaryDirectory()
        path = "\(base)/shoal-sandbox-tests-\(label)-\(Sandbox.randomID())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    }

    /// `path/relative`.
    func child(_ relative: String) -> String { path + "/" + relative }

    /// Writes `bytes` to `path/relative` (creating folders), world-readable.
    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8], mode: Int = 0o644) throws -> String {
        let file = child(relative)
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o755])
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        chmod(file, mode_t(mode))
        return file
    }

    @discardableResult
    func write(_ relative: String, _ text: String, mode: Int = 0o644) throws -> String {
        try write(relative, Array(text.utf8), mode: mode)
    }

    func read(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: child(relative))))
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A finished run with its logs read back.
struct Finished: Sendable {
    let result: SandboxResult
    let stdout: String
    let stderr: String
    /// Size of the stdout log file on disk (read before the log folder is removed).
    let stdoutFileBytes: Int
}

/// Runs `command` with a spec prepared by `configure`; logs go to a folder that is removed afterwards.
func runSandboxed(_ command: [String], configure: (inout SandboxSpec) -> Void = { _ in }) async throws -> Finished {
    let logs = try TemporaryFolder("logs")
    defer { logs.remove() }
    var spec = SandboxSpec(command: command)
    spec.limits.timeout = .seconds(60)
    spec.logDirectory = logs.path
    configure(&spec)
    let result = try await Sandbox.run(spec)
    let stdout = (try? String(contentsOfFile: result.stdout.path, encoding: .utf8)) ?? ""
    let stderr = (try? String(contentsOfFile: result.stderr.path, encoding: .utf8)) ?? ""
    let size = (try? FileManager.default.attributesOfItem(atPath: result.stdout.path)[.size] as? Int) ?? -1
    return Finished(result: result, stdout: stdout, stderr: stderr, stdoutFileBytes: size)
}

/// Whether this process may build sandboxes (the launcher needs root).
let runningAsRoot = geteuid() == 0

/// The cgroup folders the launcher creates, found the way it finds them (v1 hierarchy per
/// controller, else the unified one), so tests can check that a run leaves none behind.
enum CgroupFolders {
    /// `<mount><own path>/shoal-sandbox` for each controller hierarchy that exists here.
    static func parents() -> [String] {
        guard let text = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) else { return [] }
        var parents: Set<String> = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let path = fields[2] == "/" ? "" : String(fields[2])
            if fields[1].isEmpty {
                for mount in ["/sys/fs/cgroup/unified", "/sys/fs/cgroup"] where FileManager.default.fileExists(atPath: mount + "/cgroup.controllers") {
                    parents.insert(mount + path + "/shoal-sandbox")
                    break
                }
            } else {
                for controller in fields[1].split(separator: ",") where ["memory", "pids", "cpu", "cpuacct"].contains(String(controller)) {
                    let mount = "/sys/fs/cgroup/" + fields[1]
                    let alternative = "/sys/fs/cgroup/" + controller
                    let base = FileManager.default.fileExists(atPath: mount) ? mount : alternative
                    parents.insert(base + path + "/shoal-sandbox")
                }
            }
        }
        return parents.sorted()
    }

    /// Groups that belong to the launcher with this pid (named `<pid>-<nonce>`).
    static func groups(ofLauncher pid: Int32) -> [String] {
        parents().flatMap { parent in
            ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [])
                .filter { $0.hasPrefix("\(pid)-") }
                .map { parent + "/" + $0 }
        }
    }
}

/// Starts a host process that the sandbox will try to reach; returns its pid.
func startHostProcess(_ arguments: [String]) throws -> pid_t {
    try SpawnedProcess(executable: arguments[0], arguments: Array(arguments.dropFirst()), environment: [:]).pid
}
