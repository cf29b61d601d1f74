import Foundation
import Synchronization

/// One run of the `shoal-sandbox` executable, driven from a thread of its own.
///
/// The thread spawns the launcher, copies its stdout and stderr into the (capped) log files and
/// the optional stream, collects the report from fd 3, and finally reaps the launcher with a
/// blocking wait. None of this may run on Swift's cooperative thread pool (it blocks), and the
/// spawning thread matters: the launcher asks for SIGTERM when its parent *thread* exits
/// (PR_SET_PDEATHSIG), so it is spawned by the same long-lived thread that waits for it.
struct LauncherSession: Sendable {
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
        let pid: pid_t
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
            pid = try SystemCall.spawn(
                path: launcherPath, arguments: [launcherPath] + arguments, environment: [],
                descriptors: [(out.write, 1), (err.write, 2), (report.write, 3)])
            for fd in [out.write, err.write, report.write] { close(fd) }
            readEnds = [out.read, err.read, report.read]
        } catch {
            closeAll()
            stream?.finish()
            spawned.resume(throwing: error)
            return
        }
        control.started(pid)
        spawned.resume(returning: pid)

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

        // Wait without reaping first, so `cancel()` can never signal a recycled pid.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        control.exited()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let launcherStatus =
            status & 0x7f == 0 ? "exited with status \((status >> 8) & 0xff)" : "was killed by signal \(status & 0x7f)"
        completion(
            Outcome(
                report: LauncherReport(parsing: String(decoding: reportBytes, as: UTF8.self)),
                stdout: logs[0].summary, stderr: logs[1].summary, launcherStatus: launcherStatus))
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
        var pid: pid_t = 0
        var exited = false
        var cancelRequested = false
        var outcome: Result<Value, any Error>?
        var waiters: [CheckedContinuation<Value, any Error>] = []
    }

    private let state = Mutex(State())

    /// Records the launcher's pid; if cancellation came first, passes it on at once.
    func started(_ pid: pid_t) {
        state.withLock { state in
            state.pid = pid
            if state.cancelRequested { kill(pid, SIGTERM) }
        }
    }

    /// Records that the launcher has exited (it is a zombie until reaped, so its pid is still ours).
    func exited() { state.withLock { $0.exited = true } }

    /// Asks the launcher to stop: it kills the sandbox's whole tree, cleans up and reports `cancelled`.
    func cancel() {
        state.withLock { state in
            state.cancelRequested = true
            if state.pid > 0 && !state.exited { kill(state.pid, SIGTERM) }
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
