import Foundation
import JobStore
import Units
import Worker

/// What `shoal run` shows on a terminal while a pipeline runs: a line per finished task and a
/// status line (tasks by state, bytes added) redrawn in place. Nothing when stderr is not a terminal.
final class RunProgress: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var tasks: [String] = []
    private var states: [String: TaskState] = [:]
    private var outputBytes: Int64 = 0
    private var addedBytes: UInt64 = 0
    private var drewStatus = false
    private let start = Date()

    init(enabled: Bool = Output.stderrIsTerminal) {
        self.enabled = enabled
    }

    /// Handles one progress report of ``LocalRun``.
    func handle(_ progress: LocalRun.Progress) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        switch progress {
        case .adding(let bytes):
            addedBytes = bytes
        case .started(let run, let ids, let resumed):
            tasks = ids
            for id in ids where states[id] == nil { states[id] = .pending }
            clearStatus()
            Output.note("\(resumed ? "resuming" : "run") \(run): \(ids.count) task\(ids.count == 1 ? "" : "s")")
        case .event(let event):
            guard let task = event.taskID else { break }
            switch event.kind {
            case .taskRunning: states[task] = .running
            case .taskReady: states[task] = .ready
            case .taskReset: states[task] = .pending
            default: break
            }
        case .taskEnded(let record):
            states[record.id] = record.state
            outputBytes += record.outputBytes
            clearStatus()
            Output.note(Self.line(record))
        }
        drawStatus()
    }

    /// Removes the status line before the final report.
    func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        clearStatus()
    }

    static func line(_ record: TaskRecord) -> String {
        let mark: String = switch record.state {
        case .succeeded: "✔"
        case .cached: "="
        case .failed: "✘"
        case .skipped, .cancelled: "-"
        default: " "
        }
        var parts = ["\(mark) \(record.id)", record.state.rawValue]
        if let started = record.started, let finished = record.finished, record.state == .succeeded || record.state == .failed {
            parts.append(String(format: "%.2fs", finished.timeIntervalSince(started)))
        }
        if let message = record.message, !record.state.isSuccessful { parts.append(message) }
        return parts.joined(separator: "  ")
    }

    private func drawStatus() {
        let count = { (state: TaskState) in self.states.values.filter { $0 == state }.count }
        let done = count(.succeeded) + count(.cached)
        var parts = ["[\(done)/\(tasks.count)]"]
        let running = tasks.filter { states[$0] == .running }
        if !running.isEmpty { parts.append("running: " + running.joined(separator: ", ")) }
        if count(.cached) > 0 { parts.append("\(count(.cached)) cached") }
        if count(.failed) > 0 { parts.append("\(count(.failed)) failed") }
        if addedBytes > 0 { parts.append("\(HumanFormat.bytes(addedBytes)) added") }
        parts.append("\(HumanFormat.bytes(UInt64(max(0, outputBytes)))) out")
        parts.append(String(format: "%.1fs", Date().timeIntervalSince(start)))
        Output.writeStandardError(Array(("\r\u{1B}[K" + parts.joined(separator: " · ")).utf8))
        drewStatus = true
    }

    private func clearStatus() {
        guard drewStatus else { return }
        Output.writeStandardError(Array("\r\u{1B}[K".utf8))
        drewStatus = false
    }
}
