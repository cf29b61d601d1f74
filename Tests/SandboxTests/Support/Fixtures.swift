import Foundation
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
    return Finished(result: result, stdout: stdout, stderr: stderr)
}

/// Whether this process may build sandboxes (the launcher needs root).
let runningAsRoot = geteuid() == 0
