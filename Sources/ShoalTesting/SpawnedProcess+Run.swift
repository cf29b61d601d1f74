import Foundation
import Spawning

extension SpawnedProcess {
    /// Runs a command to its end (in `directory`) and returns its status, stdout and stderr.
    public static func run(_ command: [String], directory: String? = nil) throws -> ShoalProcess.Result {
        let base = NSTemporaryDirectory() + "shoal-spawn-\(UUID().uuidString)"
        defer { for file in [base + ".out", base + ".err"] { try? FileManager.default.removeItem(atPath: file) } }
        let process = try SpawnedProcess(
            executable: command[0], arguments: Array(command.dropFirst()), environment: ProcessInfo.processInfo.environment,
            directory: directory, stdout: base + ".out", stderr: base + ".err")
        let status = process.wait()
        let read = { (path: String) in (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data() }
        return ShoalProcess.Result(
            status: status, stdoutBytes: Array(read(base + ".out")), stderr: String(decoding: read(base + ".err"), as: UTF8.self))
    }

    /// Runs a short command to its end and returns its status and its stdout and stderr together.
    public static func output(of command: [String], environment: [String: String]? = nil) -> (status: Int32, output: String) {
        let file = NSTemporaryDirectory() + "shoal-spawn-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: file) }
        do {
            let process = try SpawnedProcess(
                executable: command[0], arguments: Array(command.dropFirst()),
                environment: environment ?? ProcessInfo.processInfo.environment, stdout: file, stderr: file)
            let status = process.wait()
            let output = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            return (status, output.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            return (127, "\(command[0]): \(error)")
        }
    }
}
