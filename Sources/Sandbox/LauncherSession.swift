import Foundation
import Synchronization

/// One run of the launcher, driven from a thread of its own.
///
/// The thread starts the launcher (a supervisor forked by the ``LauncherService``, or, for
/// `--check`, the executable itself), copies its stdout and stderr into the (capped) log files and
/// the optional stream, collects the report from fd 3, and finally waits until the launcher has
/// ended. None of this may run on Swift's cooperative thread pool (it blocks). A spawned launcher
/// asks for SIGTERM when its parent *thread* exits (PR_SET_PDEATHSIG), so it is spawned by the same
/// long-lived thread that waits for it.
struct LauncherSession: Sendable {
    /// How the launcher is started.
    enum Launch: Sendable {
        /// Exec the launcher executable for this one run.
        case spawn
        /// Ask the launcher service to fork a supervisor (the path of every step run).
        case service
    }

    /// Where one captured stream goes.
    struct LogTarget: Sendable {
        /// The file to write, or nil to discard the stream.
        var path: String?
        /// Bytes to keep in the file.
        var cap: Int64
    }

    /// What the thread saw, once everything has ended.
    struct Outcome: Sendable {
        var report: LauncherReport
        var stdout: SandboxLog
        var stderr: SandboxLog
        /// How the launcher process ended, in words ("exited with status 0").
        var launcherStatus: String
    }

    var launcherPath: String
    var arguments: [String]
    var launch: Launch = .service
    var stdout: LogTarget
    var stderr: LogTarget
    var stream: AsyncStream<SandboxOutputChunk>.Continuation?

    /// Starts the thread and returns the launcher's pid once it is spawned. `completion` runs on
    /// that thread after the launcher has been reaped.
    func start<Value>(control: LauncherControl<Value>, completion: @escaping @Sendable (Outcome) -> Void) async throws
        -> pid_t
    {
        try await withCheckedThrowingContinuation { (spawned: CheckedContinuation<pid_t, any Error>) in
            let thread = Thread { self.run(control: control, spawned: spawned, completion: completion) }
            thread.name = "shoal-sandbox-io"
            thread.start()
        }
    }

    private func run<Value>(
        control: LauncherControl<Value>, spawned: CheckedContinuation<pid_t, any Error>,
        completion: @Sendable (Outcome) -> Void
    ) {
        var opened: [Int32] = []
        func closeAll() { opened.forEach { if $0 >= 0 { close($0) } } }
        let launched: Launched
        let readEnds: [Int32]
        var logs: [CappedLog]
        do {
            let out = try SystemCall.pipe()
            opened += [out.read, out.write]
            let err = try SystemCall.pipe()
            opened += [err.read, err.write]
            let report = try SystemCall.pipe()
            opened += [report.read, report.write]
            logs = try [CappedLog(stdout), CappedLog(stderr)]
            launched = try startLauncher(stdout: out.write, stderr: err.write, report: report.write)
            for fd in [out.write, err.write, report.write] { close(fd) }
            readEnds = [out.read, err.read, report.read]
        } catch {
            closeAll()
            stream?.finish()
            spawned.resume(throwing: error)
            return
        }
        control.started(stop: launched.stop)
        spawned.resume(returning: launched.pid)

        var fds = readEnds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var reportBytes: [UInt8] = []
        while fds.contains(where: { $0.fd >= 0 }) {
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for index in fds.indices where fds[index].fd >= 0 && fds[index].revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(fds[index].fd, $0.baseAddress, $0.count) }
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if count <= 0 {
                    close(fds[index].fd)
                    fds[index].fd = -1
                    continue
                }
                let bytes = buffer[0..<count]
                if index == 2 {
                    if reportBytes.count < 1 << 16 { reportBytes += bytes }
                } else {
                    logs[index].append(bytes)
                    stream?.yield(SandboxOutputChunk(stream: index == 0 ? .stdout : .stderr, bytes: Array(bytes)))
                }
            }
        }
        stream?.finish()
        for log in logs { log.close() }

        let report = LauncherReport(parsing: String(decoding: reportBytes, as: UTF8.self))
        let launcherStatus = launched.waitForExit(report.isComplete) { control.exited() }
        completion(
            Outcome(
                report: report,
                stdout: logs[0].summary, stderr: logs[1].summary, launcherStatus: launcherStatus))
    }
}

extension LauncherSession {
    /// A started launcher: its pid, how to stop it, and how to wait for its end.
    private struct Launched {
        var pid: pid_t
        var stop: @Sendable () -> Void
        /// Blocks until the launcher has ended, calls `ended` (before a spawned launcher is reaped, so
        /// its pid cannot be recycled while `stop` may still signal it), and returns how it ended, in words.
        ///
        /// A supervisor writes its report last, after the sandbox and its cgroup are gone, so once the
        /// report is complete its exit status adds nothing: a served run does not wait for it.
        var waitForExit: (_ reportIsComplete: Bool, _ ended: () -> Void) -> String
    }

    private func startLauncher(stdout: Int32, stderr: Int32, report: Int32) throws -> Launched {
        switch launch {
        case .spawn:
            let pid = try SystemCall.spawn(
                path: launcherPath, arguments: [launcherPath] + arguments, environment: [],
                descriptors: [(stdout, 1), (stderr, 2), (report, 3)])
            return Launched(pid: pid, stop: { kill(pid, SIGTERM) }) { _, ended in
                var info = siginfo_t()
                while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
                ended()
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return Self.describe(status: status)
            }
        case .service:
            var service = try LauncherService.shared(launcherPath: launcherPath)
            var started = OneShot<Result<pid_t, SandboxError>>()
            var exited = OneShot<LauncherService.Exit>()
            let id: UInt64
            do {
                id = try service.run(
                    arguments: arguments, stdout: stdout, stderr: stderr, report: report,
                    started: { [started] in started.put($0) }, exited: { [exited] in exited.put($0) })
            } catch {
                // The service went away since the last run and its reader has not noticed yet:
                // the request never reached it, so ask a new one, once.
                service = try LauncherService.shared(launcherPath: launcherPath, replacing: service)
                started = OneShot()
                exited = OneShot()
                id = try service.run(
                    arguments: arguments, stdout: stdout, stderr: stderr, report: report,
                    started: { [started] in started.put($0) }, exited: { [exited] in exited.put($0) })
            }
            let pid = try started.wait().get()
            // The service signals a supervisor only while it is unreaped: `stop` is safe at any time.
            return Launched(pid: pid, stop: { [service] in service.cancel(id) }) { [exited] reportIsComplete, ended in
                defer { ended() }
                if reportIsComplete { return "exited after its report" }
                return switch exited.wait() {
                case .status(let status): Self.describe(status: status)
                case .serviceLost: "was lost with the launcher service"
                }
            }
        }
    }

    static func describe(status: Int32) -> String {
        status & 0x7f == 0 ? "exited with status \((status >> 8) & 0xff)" : "was killed by signal \(status & 0x7f)"
    }
}

/// A value handed from one thread to another that waits for it; the first one put wins.
private final class OneShot<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Value?

    func put(_ newValue: Value) {
        condition.lock()
        defer { condition.unlock() }
        guard value == nil else { return }
        value = newValue
        condition.broadcast()
    }

    func wait() -> Value {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return value!
    }
}

/// A log file that keeps the first `cap` bytes of a stream and counts the rest.
private struct CappedLog {
    let path: String
    let fd: Int32
    let cap: Int64
    var total: Int64 = 0
    var kept: Int64 = 0

    init(_ target: LauncherSession.LogTarget) throws {
        path = target.path ?? ""
        cap = target.path == nil ? 0 : target.cap
        if let path = target.path {
            fd = try SystemCall.retrying("open \(path)") { open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        } else {
            fd = -1
        }
    }

    mutating func append(_ bytes: ArraySlice<UInt8>) {
        total += Int64(bytes.count)
        let room = Int(max(0, cap - kept))
        guard fd >= 0, room > 0 else { return }
        let take = bytes.prefix(room)
        // A failing log write (disk full) must not stop the run: the bytes are counted, not kept.
        if (try? take.withUnsafeBytes { try SystemCall.writeAll(fd, $0) }) != nil { kept += Int64(take.count) }
    }

    func close() { if fd >= 0 { Glibc.close(fd) } }

    var summary: SandboxLog { SandboxLog(path: path, totalBytes: total, keptBytes: kept) }
}

/// Shared state between a ``SandboxProcess`` handle and its launcher thread: the pid, whether it
/// has exited, cancellation, and the final outcome with the tasks waiting for it.
final class LauncherControl<Value: Sendable>: Sendable {
    private struct State {
        var stop: (@Sendable () -> Void)?
        var exited = false
        var cancelRequested = false
        var outcome: Result<Value, any Error>?
        var waiters: [CheckedContinuation<Value, any Error>] = []
    }

    private let state = Mutex(State())

    /// Records how to stop the started launcher; if cancellation came first, stops it at once.
    func started(stop: @escaping @Sendable () -> Void) {
        state.withLock { state in
            state.stop = stop
            if state.cancelRequested { stop() }
        }
    }

    /// Records that the launcher has ended: `stop` is never called after this.
    func exited() { state.withLock { $0.exited = true } }

    /// Asks the launcher to stop: it kills the sandbox's whole tree, cleans up and reports `cancelled`.
    func cancel() {
        state.withLock { state in
            state.cancelRequested = true
            if !state.exited { state.stop?() }
        }
    }

    /// Stores the outcome and wakes every waiter.
    func finish(_ outcome: Result<Value, any Error>) {
        let waiters = state.withLock { state in
            state.outcome = outcome
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume(with: outcome) }
    }

    /// Waits for the outcome.
    func wait() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<Value, any Error>? in
                if let outcome = state.outcome { return outcome }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
