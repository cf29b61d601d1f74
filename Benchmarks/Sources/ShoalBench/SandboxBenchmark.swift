import ArgumentParser
import Foundation
import Sandbox

/// `shoal-bench sandbox`: the cost of a sandboxed run of `/bin/true` against a plain fork/exec
/// (posix_spawn + waitpid) of `/bin/true`, interleaved in the same run.
///
/// Build the launcher first (`swift build -c release --product shoal-sandbox` in the repository
/// root); it is found through `--launcher`, `$SHOAL_SANDBOX_LAUNCHER` or `../.build/release/`.
struct SandboxBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Overhead of Sandbox.run(/bin/true) against posix_spawn(/bin/true): median and p99."
    )

    @Option(help: "Measured runs of each kind.")
    var iterations = 200

    @Option(help: "Unmeasured runs of each kind first.")
    var warmup = 10

    @Option(help: "Path of the shoal-sandbox launcher.")
    var launcher: String?

    @Flag(help: "Run without a user namespace (the uid drop alone).")
    var noUserNamespace = false

    func run() async throws {
        let path = launcher ?? ProcessInfo.processInfo.environment["SHOAL_SANDBOX_LAUNCHER"]
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("../.build/release/shoal-sandbox").standardizedFileURL.path
        guard access(path, X_OK) == 0 else {
            throw ValidationError("no launcher at \(path): run `swift build -c release --product shoal-sandbox` first")
        }
        setenv(Sandbox.launcherVariable, path, 1)
        let logs = NSTemporaryDirectory() + "shoal-bench-sandbox-\(getpid())"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: logs) }
        var spec = SandboxSpec(command: ["/bin/true"])
        spec.logDirectory = logs
        if noUserNamespace { spec.userNamespace = .off }

        var plain: [Double] = [], sandboxed: [Double] = [], inside: [Double] = []
        var userNamespace = false
        for index in 0..<(warmup + iterations) {
            let plainSeconds = try await Self.onThread { try Measure.seconds { try Self.spawnAndWait("/bin/true") } }
            let start = Measure.now()
            let result = try await Sandbox.run(spec)
            let sandboxSeconds = Measure.now() - start
            guard result.succeeded else { throw ValidationError("a sandboxed run failed: \(result.reason) \(result.message ?? "")") }
            userNamespace = result.usedUserNamespace
            if index >= warmup {
                plain.append(plainSeconds)
                sandboxed.append(sandboxSeconds)
                inside.append(result.wallTime.secondsValue)
            }
        }
        func ms(_ seconds: Double) -> String { String(format: "%7.2f ms", seconds * 1000) }
        let rows: [(String, [Double])] = [
            ("posix_spawn /bin/true", plain), ("Sandbox.run /bin/true", sandboxed),
            ("  of which launcher clone→exit", inside),
        ]
        print("sandbox: \(iterations) runs each (after \(warmup) warm-up), user namespace: \(userNamespace)")
        print("                                     median        p99")
        for (name, samples) in rows {
            print(name.padding(toLength: 32, withPad: " ", startingAt: 0), ms(Measure.quantile(samples, 0.5)), ms(Measure.quantile(samples, 0.99)))
        }
        let overheadMedian = Measure.quantile(sandboxed, 0.5) - Measure.quantile(plain, 0.5)
        let overheadP99 = Measure.quantile(sandboxed, 0.99) - Measure.quantile(plain, 0.99)
        print("overhead (sandbox - plain)      ", ms(overheadMedian), ms(overheadP99))
    }

    /// posix_spawn + waitpid of `path` with no arguments.
    static func spawnAndWait(_ path: String) throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(path), nil]
        defer { free(argv[0]) }
        let envp: [UnsafeMutablePointer<CChar>?] = [nil]
        let code = posix_spawn(&pid, path, nil, nil, argv, envp)
        guard code == 0 else { throw ValidationError("posix_spawn \(path): \(code)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    /// Runs blocking work on a thread of its own (never on the cooperative pool).
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
