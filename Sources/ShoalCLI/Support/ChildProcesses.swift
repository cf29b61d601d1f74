import Foundation
import Spawning

/// `shoal` child processes that live and die together (`shoal dev-cluster`).
///
/// Each child is this same executable with its own `SHOAL_HOME`, its output appended to a log
/// file, and `SHOAL_PARENT_PID` set so it stops by itself if this process dies (see
/// ``ParentWatch``). ``stopAll(grace:)`` sends SIGTERM in reverse start order (workers before
/// the requester they report to), waits, then SIGKILLs whatever is left: no orphans.
final class ChildProcesses: @unchecked Sendable {
    struct Child {
        let name: String
        let process: SpawnedProcess
        let log: String
    }

    private let lock = NSLock()
    private var children: [Child] = []
    /// Called (once) when a child exits on its own, with its name and status.
    var onUnexpectedExit: (@Sendable (String, Int32) -> Void)?
    private var stopping = false

    /// The running `shoal` binary.
    static var executable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Starts `shoal ARGUMENTS` with `home` as its `SHOAL_HOME`, logging to `log`.
    func start(_ name: String, _ arguments: [String], home: String, log: String, environment: [String: String] = [:]) throws {
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        var env = ProcessInfo.processInfo.environment
        env["SHOAL_HOME"] = home
        env[ParentWatch.variable] = String(getpid())
        for (key, value) in environment { env[key] = value }
        let process = try SpawnedProcess(SpawnRequest(
            executable: Self.executable, arguments: [Self.executable] + arguments,
            environment: env.map { "\($0.key)=\($0.value)" },
            standardOutput: .file(log, appending: true), standardError: .standardOutput))
        lock.withLock { children.append(Child(name: name, process: process, log: log)) }
        // One thread per child reaps it and tells of an exit nobody asked for.
        let watcher = Thread { [weak self] in
            let status = process.wait()
            guard let self else { return }
            let (stopping, handler) = self.lock.withLock { (self.stopping, self.onUnexpectedExit) }
            if !stopping { handler?(name, status) }
        }
        watcher.name = "shoal-child-\(name)"
        watcher.start()
    }

    /// Whether child `name` is still running.
    func isRunning(_ name: String) -> Bool {
        lock.withLock { children.first { $0.name == name }?.process.isRunning ?? false }
    }

    /// SIGTERM to every child, newest first; SIGKILL after `grace` to any still running.
    func stopAll(grace: TimeInterval = 20) {
        let list = lock.withLock { () -> [Child] in
            stopping = true
            return children
        }
        for child in list.reversed() where child.process.isRunning {
            kill(child.process.pid, SIGTERM)
        }
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline, list.contains(where: { $0.process.isRunning }) {
            Thread.sleep(forTimeInterval: 0.1)
        }
        for child in list where child.process.isRunning {
            Output.note("\(child.name) did not stop within \(Int(grace))s; killing it")
            kill(child.process.pid, SIGKILL)
        }
        for child in list { child.process.wait() }
    }

    /// The last lines of child `name`'s log, for an error message.
    func logTail(_ name: String, lines: Int = 15) -> String {
        guard let log = lock.withLock({ children.first { $0.name == name }?.log }),
              let text = try? String(contentsOfFile: log, encoding: .utf8)
        else { return "" }
        return text.split(separator: "\n").suffix(lines).map { "  | " + $0 }.joined(separator: "\n")
    }
}
