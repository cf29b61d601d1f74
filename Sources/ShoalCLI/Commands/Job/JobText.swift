import Foundation
import PoolAPI

/// How jobs and tasks look in human output (one place, so every job command prints alike).
enum JobText {
    /// `did:key:z6MkhaXg…Yj7Pb2` → `z6Mkha…Yj7Pb2`: enough to tell nodes apart in a table.
    static func node(_ id: String?) -> String {
        guard let id else { return "-" }
        let key = id.hasPrefix("did:key:") ? String(id.dropFirst(8)) : id
        return key.count > 16 ? key.prefix(6) + "…" + key.suffix(6) : key
    }

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The job line and one line per task: state, node, attempts, outputs, reason.
    static func status(_ job: JobStatus) -> String {
        var lines = ["job \(job.id) \(job.name): \(job.state)  (created \(time(job.created))\(job.finished.map { ", finished \(time($0))" } ?? ""))"]
        let width = job.tasks.map(\.id.count).max() ?? 0
        for task in job.tasks {
            var line = "  " + task.id.padding(toLength: width, withPad: " ", startingAt: 0)
            line += "  " + task.state.padding(toLength: 9, withPad: " ", startingAt: 0)
            line += "  node " + node(task.node)
            line += "  attempts \(task.attempts)"
            if task.cached == true { line += "  cached" }
            for (name, cid) in (task.outputs ?? [:]).sorted(by: { $0.key < $1.key }) { line += "  \(name)=\(cid)" }
            if let reason = task.reason, !["succeeded", "cached"].contains(task.state) { line += "  (\(reason))" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// The failed tasks with their reason and stderr tail, for stderr.
    static func failures(_ job: JobStatus) -> [String] {
        var lines: [String] = []
        for task in job.tasks where task.state == "failed" {
            var line = "task '\(task.id)' failed (\(task.reason ?? "failed"))\(task.node.map { " on \(node($0))" } ?? "")"
            if let message = task.message, !message.isEmpty { line += ": \(message)" }
            lines.append(line)
            if let tail = task.stderrTail, !tail.isEmpty {
                for line in tail.split(separator: "\n", omittingEmptySubsequences: false) { lines.append("  | \(line)") }
            }
            // A task that never reached a node (it could not be placed) has no logs.
            if task.node != nil { lines.append("  (full logs: shoal job logs \(job.id) \(task.id) --stderr)") }
        }
        return lines
    }

    /// One event as a line: `12:03:04 placement dedupe: placed on …`.
    static func event(_ event: JobEventMessage) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        let head = "\(formatter.string(from: event.time)) \(event.kind)\(event.task.map { " \($0)" } ?? "")"
        return event.message.isEmpty ? head : head + ": " + event.message
    }
}
