import Foundation
import Testing

@testable import Sandbox

/// The launcher service: one long-lived `shoal-sandbox --serve` forks a supervisor per run.
@Suite(.serialized, .enabled(if: runningAsRoot, "the sandbox launcher needs root"))
struct LauncherServiceTests {
    @Test func runsAreForkedByOneServiceThatIsAChildOfThisProcess() async throws {
        let first = try await runSandboxed(["true"])
        let second = try await runSandboxed(["true"])
        #expect(first.result.succeeded && second.result.succeeded)
        let service = try LauncherService.shared(launcherPath: Sandbox.launcherPath())
        #expect(parentPID(of: service.pid) == getpid())
        #expect(commandLine(of: service.pid).contains("--serve"))
        // A supervisor's parent is the service (checked while it runs: afterwards its pid is gone).
        let token = "service-child-\(Sandbox.randomID())"
        let logs = try TemporaryFolder("service-child")
        defer { logs.remove() }
        var spec = SandboxSpec(command: ["sh", "-c", "sleep 30; : \(token)"])
        spec.logDirectory = logs.path
        let process = try await Sandbox.start(spec)
        #expect(parentPID(of: process.launcherPID) == service.pid)
        process.cancel()
        #expect(try await process.result().reason == .cancelled)
        #expect(try LauncherService.shared(launcherPath: Sandbox.launcherPath()).pid == service.pid)
    }

    @Test func concurrentRunsEachGetTheirOwnOutputAndResult() async throws {
        let results = try await withThrowingTaskGroup(of: (Int, Finished).self) { group in
            for index in 0..<6 {
                group.addTask { (index, try await runSandboxed(["sh", "-c", "echo run-\(index); exit \(index)"])) }
            }
            return try await group.reduce(into: [Int: Finished]()) { $0[$1.0] = $1.1 }
        }
        for index in 0..<6 {
            #expect(results[index]?.stdout == "run-\(index)\n")
            #expect(results[index]?.result.exitCode == Int32(index))
        }
    }

    @Test func argumentsTheLauncherRefusesAreALaunchFailureWithItsMessage() async throws {
        let service = try LauncherService.shared(launcherPath: Sandbox.launcherPath())
        let run = try RawRun(service: service, arguments: ["--no-such-option", "--", "true"])
        #expect(run.report()["error"] == "unknown option '--no-such-option'")
        #expect(run.exit() == .status(2 << 8))
        // The service is still there for the next run.
        #expect(try await runSandboxed(["true"]).result.succeeded)
    }

    @Test func whenTheWorkerGoesAwayTheServiceStopsEveryRunCleansUpAndExits() async throws {
        // A service of its own (not the shared one): closing our end of its socket is what the
        // kernel does when a worker dies.
        let service = try LauncherService(launcherPath: Sandbox.launcherPath())
        let token = "worker-gone-\(Sandbox.randomID())"
        let command = try launcherArguments(["sh", "-c", "sleep 60; : \(token)"])
        let run = try RawRun(service: service, arguments: command)
        let launcher = try await waitForLauncher(withArgument: token)
        #expect(launcher == run.pid)
        let closed = ContinuousClock.now
        service.closeConnection()
        #expect(run.report()["reason"] == "cancelled")
        #expect(ContinuousClock.now - closed < .seconds(20), "the step (sleep 60) must not outlive the worker")
        #expect(processes(withArgument: token).isEmpty)
        #expect(CgroupFolders.groups(ofLauncher: launcher).isEmpty)
        // The service has exited (its reader reaps it), and refuses new runs.
        for _ in 0..<200 where kill(service.pid, 0) == 0 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(kill(service.pid, 0) == -1)
        #expect(throws: SandboxError.self) { try RawRun(service: service, arguments: command) }
    }

    @Test func aKilledServiceFailsTheRunsInFlightAndTheNextRunStartsANewOne() async throws {
        // The shared service of another path to the launcher (a symlink), so the runs of tests
        // running beside this one, which share the usual service, are not disturbed.
        let folder = try TemporaryFolder("service-killed")
        defer { folder.remove() }
        let path = try launcherOfItsOwn(in: folder)
        let service = try LauncherService.shared(launcherPath: path)
        let token = "service-killed-\(Sandbox.randomID())"
        let command = try launcherArguments(["sh", "-c", "sleep 60; : \(token)"])
        let run = try RawRun(service: service, arguments: command)
        let launcher = try await waitForLauncher(withArgument: token)
        #expect(launcher == run.pid)
        kill(service.pid, SIGKILL)
        // The supervisor gets SIGTERM from the kernel (its parent died), stops the step and cleans up.
        #expect(run.report()["reason"] == "cancelled")
        #expect(run.exit() == .serviceLost)
        #expect(processes(withArgument: token).isEmpty)
        #expect(CgroupFolders.groups(ofLauncher: launcher).isEmpty)
        // The next run starts a new service.
        let next = try LauncherService.shared(launcherPath: path)
        #expect(next.pid != service.pid)
        let trueCommand = try launcherArguments(["true"])
        let again = try RawRun(service: next, arguments: trueCommand)
        #expect(again.report()["exit_code"] == "0")
        next.closeConnection()
    }
}

extension LauncherServiceTests {
    @Test func aRunAskedJustAfterTheServiceWentAwayGoesToANewOne() async throws {
        // A service of its own, under a path of its own (a symlink), so no other test's runs use it.
        let folder = try TemporaryFolder("service-replaced")
        defer { folder.remove() }
        let path = try launcherOfItsOwn(in: folder)
        let first = try LauncherService.shared(launcherPath: path)
        // Our end is shut: sending fails at once, before the reader can notice the service leaving.
        first.closeConnection()
        let logs = try TemporaryFolder("service-replaced-logs")
        defer { logs.remove() }
        let session = LauncherSession(
            launcherPath: path, arguments: ["--", "true"], stdout: .init(path: logs.child("out"), cap: 1024),
            stderr: .init(path: logs.child("err"), cap: 1024), stream: nil)
        let control = LauncherControl<LauncherReport>()
        _ = try await session.start(control: control) { outcome in control.finish(.success(outcome.report)) }
        let report = try await control.wait()
        #expect(report["exit_code"] == "0", "\(report.values)")
        let second = try LauncherService.shared(launcherPath: path)
        #expect(second !== first)
        second.closeConnection()
    }
}

/// One run sent to a service by hand, with its pipes: for checking the protocol's edges.
private struct RawRun {
    let pid: pid_t
    private let reportRead: Int32
    private let box: Box

    final class Box: @unchecked Sendable {
        let condition = NSCondition()
        var exit: LauncherService.Exit?
    }

    init(service: LauncherService, arguments: [String]) throws {
        let out = try SystemCall.pipe(), err = try SystemCall.pipe(), report = try SystemCall.pipe()
        defer { [out.write, err.write, report.write, out.read, err.read].forEach { close($0) } }
        let box = Box()
        let started = PIDBox()
        do {
            try service.run(
                arguments: arguments, stdout: out.write, stderr: err.write, report: report.write,
                started: { result in started.set((try? result.get()) ?? -1) },
                exited: { exit in
                    box.condition.lock()
                    box.exit = exit
                    box.condition.broadcast()
                    box.condition.unlock()
                })
        } catch {
            close(report.read)
            throw error
        }
        pid = started.wait()
        reportRead = report.read
        self.box = box
    }

    /// Reads the report to its end.
    func report() -> LauncherReport {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(reportRead, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        close(reportRead)
        return LauncherReport(parsing: String(decoding: bytes, as: UTF8.self))
    }

    /// Waits for the service's word on how the supervisor ended.
    func exit() -> LauncherService.Exit {
        box.condition.lock()
        defer { box.condition.unlock() }
        while box.exit == nil { box.condition.wait() }
        return box.exit!
    }
}

private final class PIDBox: @unchecked Sendable {
    private let condition = NSCondition()
    private var pid: pid_t?

    func set(_ value: pid_t) {
        condition.lock()
        pid = value
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> pid_t {
        condition.lock()
        defer { condition.unlock() }
        while pid == nil { condition.wait() }
        return pid!
    }
}

/// The launcher's arguments for running `command` in a sandbox with the default spec.
private func launcherArguments(_ command: [String]) throws -> [String] {
    try LauncherCommand(
        spec: SandboxSpec(command: command), parentPID: getpid(), stagingRoot: NSTemporaryDirectory(),
        runID: Sandbox.randomID()
    ).arguments
}

/// A path of its own to the launcher (a symlink named `shoal-sandbox` in `folder`): its shared
/// service is not the one the runs of other tests use.
private func launcherOfItsOwn(in folder: TemporaryFolder) throws -> String {
    let path = folder.child("shoal-sandbox")
    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: try Sandbox.launcherPath())
    return path
}

private func parentPID(of pid: pid_t) -> pid_t? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    return fields.count > 1 ? pid_t(fields[1]) : nil
}

private func commandLine(of pid: pid_t) -> String {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return "" }
    return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
}
