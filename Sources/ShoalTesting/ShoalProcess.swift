import Foundation

/// Runs the built `shoal` executable as a real process, the way a user or a script does.
///
/// End-to-end tests use this to check stdout, stderr, `--json` documents and exit codes. The
/// binary is `$SHOAL_BIN` when set, else the `shoal` next to the running test bundle (SwiftPM
/// builds both into the same folder). Output goes through temporary files, so a command that
/// writes a lot to both streams cannot deadlock the test.
public enum ShoalProcess {
    /// What a finished command left behind.
    public struct Result: Sendable {
        public let status: Int32
        public let stdoutBytes: [UInt8]
        public let stderr: String
        public var stdout: String { String(decoding: stdoutBytes, as: UTF8.self) }
        /// stdout without the trailing newline (for commands that print one value).
        public var line: String { stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
        public var succeeded: Bool { status == 0 }
    }

    /// The folder the build put the executables in.
    public static var binFolder: String {
        if let bin = ProcessInfo.processInfo.environment["SHOAL_BIN"], !bin.isEmpty {
            return (bin as NSString).deletingLastPathComponent
        }
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var folder = (exe as NSString).deletingLastPathComponent
        // On Linux the test binary sits in `<bin>/<Package>PackageTests.xctest`.
        if folder.hasSuffix(".xctest") { folder = (folder as NSString).deletingLastPathComponent }
        return folder
    }

    /// The `shoal` executable under test.
    public static var binary: String {
        ProcessInfo.processInfo.environment["SHOAL_BIN"].flatMap { $0.isEmpty ? nil : $0 } ?? binFolder + "/shoal"
    }

    /// Runs `shoal arguments…` with `SHOAL_HOME=home` and waits for it.
    ///
    /// - Parameters:
    ///   - stdin: bytes fed to standard input (none: `/dev/null`).
    ///   - environment: extra variables; the test's own environment is inherited.
    ///   - directory: the working directory.
    @discardableResult
    public static func run(
        _ arguments: [String], home: String, stdin: [UInt8]? = nil,
        environment: [String: String] = [:], directory: String? = nil
    ) throws -> Result {
        let process = try start(arguments, home: home, stdin: stdin, environment: environment, directory: directory)
        return try process.wait()
    }

    /// Starts `shoal arguments…` without waiting (to kill it midway, say).
    public static func start(
        _ arguments: [String], home: String, stdin: [UInt8]? = nil,
        environment: [String: String] = [:], directory: String? = nil
    ) throws -> Running {
        let scratch = TemporaryDirectory("process")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["SHOAL_HOME"] = home
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        _ = FileManager.default.createFile(atPath: scratch.file("stdout"), contents: nil)
        _ = FileManager.default.createFile(atPath: scratch.file("stderr"), contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.file("stdout")))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.file("stderr")))
        if let stdin {
            try Data(stdin).write(to: URL(fileURLWithPath: scratch.file("stdin")))
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: scratch.file("stdin")))
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        return Running(process: process, scratch: scratch)
    }

    /// A started `shoal` process.
    public final class Running: @unchecked Sendable {
        public let process: Process
        let scratch: TemporaryDirectory

        init(process: Process, scratch: TemporaryDirectory) {
            self.process = process
            self.scratch = scratch
        }

        public var pid: Int32 { process.processIdentifier }

        /// Sends `signal` (SIGKILL, SIGTERM, …) to the process.
        public func kill(_ signal: Int32) { _ = Foundation.kill(process.processIdentifier, signal) }

        /// Waits for the process to end and collects its output.
        public func wait() throws -> Result {
            process.waitUntilExit()
            return Result(
                status: process.terminationStatus,
                stdoutBytes: try scratch.read("stdout"),
                stderr: String(decoding: try scratch.read("stderr"), as: UTF8.self))
        }

        /// What the process has written to stdout so far.
        public func stdoutSoFar() -> String {
            String(decoding: (try? scratch.read("stdout")) ?? [], as: UTF8.self)
        }
    }
}
