import Foundation
import Spawning

/// Runs the built `shoal` executable as a real process, for end-to-end tests and benchmarks.
///
/// The binary is `$SHOAL_BIN` when set, else `shoal` in the folder of the running executable
/// (`swift build` puts the test bundle, `shoal` and `shoal-sandbox` side by side). Every process
/// gets `SHOAL_HOME` set to ``home``, so each test works in a node of its own.
///
/// ```swift
/// let shoal = try ShoalProcess(home: folder.file("home"))
/// let result = try shoal.run(["run", "pipeline.yaml", "--json"], in: folder.path)
/// #expect(result.status == 0, "\(result.stderr)")
/// ```
///
/// Output goes to temporary files rather than pipes, so a chatty process never blocks on a full pipe.
public struct ShoalProcess: Sendable {
    /// How a finished process ended and what it printed.
    public struct Result: Sendable, CustomStringConvertible {
        public let status: Int32
        /// stdout exactly as written (for commands that print bytes, such as `cat`).
        public let stdoutBytes: [UInt8]
        public let stderr: String

        public var stdout: String { String(decoding: stdoutBytes, as: UTF8.self) }
        /// stdout without surrounding whitespace (for commands that print one value).
        public var line: String { stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
        public var succeeded: Bool { status == 0 }

        public var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }

        /// The stdout parsed as a JSON object (for `--json` output).
        public func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
                throw ShoalProcessError("stdout is not a JSON object: \(stdout.prefix(200))")
            }
            return object
        }
    }

    /// A process started with ``start(_:in:)``.
    public final class Running: @unchecked Sendable {
        let process: SpawnedProcess
        let files: (stdout: String, stderr: String, stdin: String?)

        init(process: SpawnedProcess, files: (stdout: String, stderr: String, stdin: String?)) {
            self.process = process
            self.files = files
        }

        public var pid: Int32 { process.pid }

        /// Whether the process has not ended yet.
        public var isRunning: Bool { process.isRunning }

        /// Sends `signal` to the process.
        public func kill(_ signal: Int32 = SIGKILL) { Foundation.kill(process.pid, signal) }

        /// What the process wrote to stderr so far (its logs, while it still runs).
        public var stderrSoFar: String {
            String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: files.stderr))) ?? Data(), as: UTF8.self)
        }

        /// Waits for the process to end and returns its result (a status of 128 + N: killed by signal N).
        public func wait() -> Result {
            let status = process.wait()
            defer {
                for file in [files.stdout, files.stderr, files.stdin].compactMap({ $0 }) {
                    try? FileManager.default.removeItem(atPath: file)
                }
            }
            let read = { (path: String) in ((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()) }
            return Result(status: status, stdoutBytes: Array(read(files.stdout)),
                          stderr: String(decoding: read(files.stderr), as: UTF8.self))
        }
    }

    /// The node's home (`SHOAL_HOME`) for every process run through this value.
    public let home: String
    /// The `shoal` executable.
    public let binary: String
    /// Extra environment variables.
    public var environment: [String: String]
    /// A command that runs `shoal` for us, such as `["/usr/sbin/ip", "netns", "exec", "ns1"]`:
    /// each process is started as `LAUNCHER... BINARY ARGUMENTS`. The launcher should exec
    /// `shoal`, so that ``Running/pid`` and its signals are `shoal`'s own. Empty: `shoal` directly.
    public var launcher: [String] = []

    public init(home: String, environment: [String: String] = [:]) throws {
        self.home = home
        self.binary = try Self.findBinary()
        self.environment = environment
    }

    /// Where the `shoal` executable is: `$SHOAL_BIN`, else next to the running executable.
    public static func findBinary() throws -> String {
        if let override = ProcessInfo.processInfo.environment["SHOAL_BIN"], !override.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: override) else {
                throw ShoalProcessError("SHOAL_BIN=\(override) is not an executable file")
            }
            return override
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let candidate = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("shoal").path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw ShoalProcessError("no shoal next to \(executable); build it (swift build) or set SHOAL_BIN")
        }
        return candidate
    }

    /// Runs `shoal ARGUMENTS` in `folder` and waits for it; `stdin` bytes are its standard input.
    public func run(_ arguments: [String], in folder: String? = nil, stdin: [UInt8]? = nil) throws -> Result {
        try start(arguments, in: folder, stdin: stdin).wait()
    }

    /// Starts `shoal ARGUMENTS` in `folder` without waiting.
    public func start(_ arguments: [String], in folder: String? = nil, stdin: [UInt8]? = nil) throws -> Running {
        let command = launcher + [binary] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SHOAL_HOME"] = home
        for (key, value) in self.environment { environment[key] = value }
        let base = NSTemporaryDirectory() + "shoal-process-\(UUID().uuidString)"
        let files = (stdout: base + ".out", stderr: base + ".err", stdin: stdin.map { _ in base + ".in" })
        if let stdin, let path = files.stdin { try Data(stdin).write(to: URL(fileURLWithPath: path)) }
        let process = try SpawnedProcess(
            executable: command[0], arguments: Array(command.dropFirst()), environment: environment, directory: folder,
            stdin: files.stdin, stdout: files.stdout, stderr: files.stderr)
        return Running(process: process, files: files)
    }
}

/// A problem running `shoal` itself (not a failing command).
public struct ShoalProcessError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
